package dev.ferry.lint;

/** BLOCK refuses the change unless forced; WARN only reports; OFF disables the rule. */
public enum LintSeverity {
    BLOCK, WARN, OFF
}
