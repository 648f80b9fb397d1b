package dev.mandate.console;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.library.freeze.FreezingArchRule.freeze;

/**
 * The console's shape (STYLE.md, issue 12). The client is plain Java, usable without a toolkit; cycles
 * between the feature packages are frozen where they are (src/test/resources/archunit_store) and may
 * only go away.
 */
class ArchitectureTest {

    private static JavaClasses console;

    @BeforeAll
    static void importClasses() {
        console = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.mandate.console");
    }

    @Test
    void theClientImportsNoJavaFx() {
        noClasses().that().resideInAPackage("dev.mandate.console.client..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..")
                .because("the client talks to the broker; it is tested and reused without a toolkit")
                .check(console);
    }

    @Test
    void theClientDependsOnNoOtherConsolePackage() {
        noClasses().that().resideInAPackage("dev.mandate.console.client..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.mandate.console.agents..",
                        "dev.mandate.console.chains..", "dev.mandate.console.activity..", "dev.mandate.console.audit..",
                        "dev.mandate.console.keys..", "dev.mandate.console.ui..")
                .check(console);
    }

    @Test
    void packagesHaveNoCycles() {
        freeze(slices().matching("dev.mandate.console.(*)..").should().beFreeOfCycles()).check(console);
    }
}
