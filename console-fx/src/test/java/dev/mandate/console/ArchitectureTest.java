package dev.mandate.console;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The console's shape (STYLE.md, issue 12): the client is plain Java, usable without a toolkit; the
 * shared FX helpers are a leaf; the packages have no cycles.
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
        slices().matching("dev.mandate.console.(*)..").should().beFreeOfCycles().check(console);
    }
}
