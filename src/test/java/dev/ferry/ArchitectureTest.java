package dev.ferry;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** The feature packages depend on each other in one direction only: no cycles between them. */
class ArchitectureTest {

    private static final JavaClasses FERRY = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.ferry");

    @Test
    void featurePackagesHaveNoCycles() {
        slices().matching("dev.ferry.(*)..").should().beFreeOfCycles().check(FERRY);
    }

    /** ferry-cli is shaded alone into its own jar: it may use nothing of the service, and the service nothing of it. */
    @Test
    void theCliStandsAlone() {
        noClasses().that().resideInAPackage("dev.ferry.cli..").should().dependOnClassesThat()
                .resideOutsideOfPackages("dev.ferry.cli..", "java..", "picocli..", "com.fasterxml.jackson..", "io.smallrye.mutiny..")
                .check(FERRY);
        noClasses().that().resideOutsideOfPackage("dev.ferry.cli..").should().dependOnClassesThat().resideInAPackage("dev.ferry.cli..")
                .check(FERRY);
    }
}
