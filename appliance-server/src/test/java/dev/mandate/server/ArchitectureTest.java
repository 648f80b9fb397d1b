package dev.mandate.server;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The broker's shape (STYLE.md, issue 12), as rules over its compiled classes; every rule is strict. */
class ArchitectureTest {

    private static JavaClasses broker;

    @BeforeAll
    static void importClasses() {
        broker = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.mandate.server");
    }

    @Test
    void theRefusalFamilyIsALeaf() {
        noClasses().that().resideInAPackage("dev.mandate.server.error..")
                .should().dependOnClassesThat().resideOutsideOfPackages("dev.mandate.server.error..", "java..")
                .because("every capability may throw a refusal, so it may depend on nothing of theirs, nor on HTTP")
                .check(broker);
    }

    @Test
    void onlyKeysAndTheWiringTouchTheHsm() {
        noClasses().that().resideOutsideOfPackages("dev.mandate.server.keys..")
                .and().resideOutsideOfPackage("dev.mandate.server")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.mandate.hsm.Hsm")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.mandate.hsm.HsmSigner")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.mandate.hsm.SigningKey")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.security.KeyStore")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.security.Provider")
                .orShould().dependOnClassesThat().resideInAnyPackage("sun.security.pkcs11..")
                .because("only keys (and hsm-config) touch PKCS#11; the wiring (Main, Settings) opens the HSM and hands it to keys")
                .check(broker);
    }

    @Test
    void scopeAndStorageImportNoHttp() {
        noClasses().that().resideInAnyPackage("dev.mandate.server.scope..", "dev.mandate.server.storage..",
                        "dev.mandate.server.error..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.mandate.server.http..", "io.helidon..")
                .check(broker);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.mandate.server.(*)..").should().beFreeOfCycles().check(broker);
    }

    @Test
    void nothingBelowTheEdgeUsesHttpOrHelidon() {
        ArchRule rule = noClasses().that().resideOutsideOfPackages("dev.mandate.server.http..")
                .and().haveSimpleNameNotEndingWith("Endpoint")
                .and().haveSimpleNameNotEndingWith("Stream")
                .and().doNotHaveFullyQualifiedName(Main.class.getName())
                .and().resideOutsideOfPackage("dev.mandate.server")
                .should().dependOnClassesThat().resideInAnyPackage("dev.mandate.server.http..", "io.helidon.webserver..",
                        "io.helidon.http..", "jakarta.json..")
                .because("capabilities speak in records and refusals; HTTP and JSON belong to the edge");
        rule.check(broker);
    }

    @Test
    void onlyStoresUseJdbc() {
        ArchRule rule = noClasses().that().resideOutsideOfPackage("dev.mandate.server.storage..")
                .and().haveSimpleNameNotStartingWith("Jdbc")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..")
                .because("each table has one owning Jdbc*Store; everything else goes through it");
        rule.check(broker);
    }

    @Test
    void capabilitiesRecordThroughTheJournal() {
        noClasses().that().resideOutsideOfPackages("dev.mandate.server.journal..", "dev.mandate.server.audit..",
                        "dev.mandate.server.live..")
                .and().resideOutsideOfPackage("dev.mandate.server")
                .and().haveSimpleNameNotEndingWith("Endpoint")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.mandate.server.audit.AuditLog")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.mandate.server.journal.EventLog")
                .because("a change's audit entry and live event are written by one recorder, the Journal")
                .check(broker);
    }

    @Test
    void nothingButTheWiringImportsTheLiveViews() {
        noClasses().that().resideOutsideOfPackages("dev.mandate.server.live..")
                .and().resideOutsideOfPackage("dev.mandate.server")
                .should().dependOnClassesThat().resideInAPackage("dev.mandate.server.live..")
                .check(broker);
    }
}
