package dev.ferry.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ferry-cli}: a pipeline's step. Submits a request and waits for its result in one command,
 * prints a short summary (or the result as JSON), and exits with a code the pipeline can branch on
 * ({@link ExitCode}). The token comes from {@code FERRY_TOKEN} or {@code --token-file}, never from a flag.
 */
@Command(name = "ferry-cli", mixinStandardHelpOptions = true, version = "ferry-cli 1.0",
        description = "Submit Ferry requests and wait for their results.",
        subcommands = { FerryCli.Submit.class, FerryCli.Status.class, FerryCli.Wait.class },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = { "0:SUCCEEDED", "2:REJECTED (also a request Ferry refused: invalid, unknown target, id re-used)", "3:FAILED",
            "4:not final when --wait ran out", "5:no token, token refused, or Ferry unreachable" })
public final class FerryCli {

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
    }

    /** Runs one command; {@code env} supplies FERRY_TOKEN and FERRY_URL. */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new FerryCli(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                K created = CommandLine.defaultFactory().create(type);
                if (created instanceof Connection connection) {
                    connection.env = env;
                }
                return created;
            }
        });
        cli.setOut(out).setErr(err);
        cli.registerConverter(Duration.class, FerryCli::duration);
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println("ferry-cli: " + e.getMessage());
            return e instanceof FerryApi.Unreachable || e instanceof NoToken ? ExitCode.NO_ACCESS.code() : ExitCode.USAGE.code();
        });
        return cli.execute(args);
    }

    /** Where Ferry is and who asks; shared by every command. */
    static final class Connection {
        Map<String, String> env = Map.of();

        @Option(names = "--url", description = "Ferry's base URL (default: $FERRY_URL, else http://localhost:8080)")
        String url;

        @Option(names = "--token-file", description = "A file holding the bearer token (default: $FERRY_TOKEN)")
        Path tokenFile;

        @Option(names = "--json", description = "Print the result (or Ferry's problem) as JSON instead of a summary")
        boolean json;

        @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec command;

        /** Prints the answer as the command was asked to; returns the exit code. */
        int report(FerryApi.Answer answer) {
            return Report.print(answer, json, command.commandLine().getOut(), command.commandLine().getErr()).code();
        }

        FerryApi api() throws IOException {
            String token = tokenFile != null ? Files.readString(tokenFile, StandardCharsets.UTF_8).trim() : env.get("FERRY_TOKEN");
            if (token == null || token.isBlank()) {
                throw new NoToken();
            }
            String base = url != null ? url : env.getOrDefault("FERRY_URL", "http://localhost:8080");
            return new FerryApi(URI.create(base), token);
        }
    }

    /** Neither FERRY_TOKEN nor --token-file. */
    static final class NoToken extends IOException {
        NoToken() {
            super("no token: set FERRY_TOKEN or pass --token-file");
        }
    }

    @Command(name = "submit", description = "Submit a request and wait for its result.")
    static final class Submit implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--target", required = true, description = "The target to change")
        String target;

        @Option(names = "--action", defaultValue = "migrate", description = "migrate, revert, info, validate, ... (default: ${DEFAULT-VALUE})")
        String action;

        @Option(names = "--request-id", required = true, description = "The idempotency key: the same id re-sent is answered, never run twice")
        String requestId;

        @Option(names = "--to-version", description = "Migrate or revert to this version")
        String toVersion;

        @Option(names = "--steps", description = "Revert this many versions")
        Integer steps;

        @Option(names = "--reason", description = "Why (kept in the ledger)")
        String reason;

        @Option(names = "--force", description = "Run past blocking findings (needs a reason)")
        boolean force;

        @Option(names = "--dry-run", description = "Show the plan and the lint findings; change nothing")
        boolean dryRun;

        @Option(names = "--wait", defaultValue = "30m", description = "How long to wait for the result: 90s, 30m, 1h (default: ${DEFAULT-VALUE})")
        Duration wait;

        @Override
        public Integer call() throws Exception {
            FerryApi api = connection.api();
            ObjectNode request = api.mapper().createObjectNode().put("requestId", requestId).put("action", action).put("target", target);
            if (toVersion != null) {
                request.put("toVersion", toVersion);
            }
            if (steps != null) {
                request.put("steps", steps);
            }
            if (reason != null) {
                request.put("reason", reason);
            }
            if (force) {
                request.put("force", true);
            }
            if (dryRun) {
                request.put("dryRun", true);
            }
            Instant deadline = Instant.now().plus(wait);
            FerryApi.Answer answer = api.submit(request, deadline);
            if (answer.status() == 202) {
                FerryApi.Answer accepted = answer;
                answer = api.awaitFinal(requestId, deadline);
                if (answer.status() == 404) {
                    // Published, but no instance had taken it when the wait ran out (its partition busy with
                    // earlier requests): a wait that ran out, not a refusal.
                    answer = new FerryApi.Answer(202, ((ObjectNode) accepted.body().deepCopy()).put("status", "ACCEPTED"));
                }
            }
            return connection.report(answer);
        }
    }

    @Command(name = "status", description = "Show a request as it is now.")
    static final class Status implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Parameters(index = "0", description = "The request id")
        String requestId;

        @Override
        public Integer call() throws Exception {
            return connection.report(connection.api().get(requestId, 0));
        }
    }

    @Command(name = "wait", description = "Wait for a request submitted earlier to be final.")
    static final class Wait implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Parameters(index = "0", description = "The request id")
        String requestId;

        @Option(names = "--wait", defaultValue = "30m", description = "How long to wait (default: ${DEFAULT-VALUE})")
        Duration wait;

        @Override
        public Integer call() throws Exception {
            return connection.report(connection.api().awaitFinal(requestId, Instant.now().plus(wait)));
        }
    }

    /** {@code 90s}, {@code 30m}, {@code 1h}, {@code 500ms}, or a number of seconds. */
    static Duration duration(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.replaceAll("[smh]$", ""));
            return switch (t.charAt(t.length() - 1)) {
                case 'h' -> Duration.ofHours(n);
                case 'm' -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a duration such as 90s, 30m or 1h");
        }
    }

    /** The summary a person reads in a pipeline log, and the exit code. */
    static final class Report {

        private Report() {
        }

        static ExitCode print(FerryApi.Answer answer, boolean json, PrintWriter out, PrintWriter err) {
            JsonNode body = answer.body();
            if (answer.status() == 401 || answer.status() == 403) {
                err.println("ferry-cli: " + answer.status() + " " + body.path("code").asText() + ": " + body.path("detail").asText());
                return ExitCode.NO_ACCESS;
            }
            if (answer.status() == 429 || answer.status() >= 500) {
                err.println("ferry-cli: Ferry answered " + answer.status() + " " + body.path("code").asText() + ": " + body.path("detail").asText());
                return ExitCode.NO_ACCESS;
            }
            if (answer.status() >= 400) {
                if (json) {
                    out.println(body.toPrettyString());
                } else {
                    err.println("ferry-cli: refused (" + answer.status() + " " + body.path("code").asText() + "): " + body.path("detail").asText());
                }
                return ExitCode.REJECTED;
            }
            JsonNode result = body.path("result");
            String status = body.path("status").asText();
            if (json) {
                out.println((result.isMissingNode() || result.isNull() ? body : result).toPrettyString());
            } else {
                summary(body, result, out);
            }
            return ExitCode.of(status);
        }

        private static void summary(JsonNode entry, JsonNode result, PrintWriter out) {
            String status = entry.path("status").asText();
            out.println(entry.path("requestId").asText() + ": " + entry.path("action").asText() + " on " + entry.path("target").asText()
                    + ": " + (FerryApi.isFinal(entry) ? status : status + " (not final when the wait ran out)")
                    + (result.has("durationMs") ? " in " + result.path("durationMs").asLong() + " ms" : ""));
            if (result.isMissingNode() || result.isNull()) {
                return;
            }
            if (result.hasNonNull("versionBefore") || result.hasNonNull("versionAfter")) {
                out.println("  version: " + text(result.path("versionBefore")) + " -> " + text(result.path("versionAfter")));
            }
            for (JsonNode m : result.path("migrations")) {
                out.println("  applied: " + m.path("script").asText() + (m.hasNonNull("executionMs") ? " (" + m.path("executionMs").asLong() + " ms)"
                        : ""));
            }
            for (JsonNode p : result.path("plan")) {
                out.println("  plan: " + p.path("script").asText() + (p.hasNonNull("version") ? " (version " + p.path("version").asText() + ")" : ""));
            }
            for (JsonNode f : result.path("lint")) {
                out.println("  lint: " + f.path("severity").asText() + " " + f.path("script").asText() + ":" + f.path("line").asInt() + " "
                        + f.path("rule").asText() + (f.path("waived").asBoolean() ? " (waived)" : "") + ": " + f.path("message").asText());
            }
            JsonNode error = result.path("error");
            if (!error.isMissingNode() && !error.isNull()) {
                out.println("  error: " + error.path("code").asText() + ": " + error.path("message").asText()
                        + (error.hasNonNull("migration") ? " (" + error.path("migration").asText() + ")" : ""));
            }
        }

        private static String text(JsonNode node) {
            return node.isNull() || node.isMissingNode() ? "none" : node.asText();
        }
    }
}
