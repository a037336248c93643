package dev.tandem.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/architecture.md: tandem-core stays pure -- no I/O, threads, clocks, randomness or logging. */
class CorePurityTest {
    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.tandem.core");
    }

    @Test
    void noIo() {
        ArchRule rule = noClasses().should().dependOnClassesThat().resideInAnyPackage(
                "java.io..", "java.nio..", "java.net..", "javax.net..", "java.sql..", "java.nio.channels..")
                .because("the core is pure: the shell does all I/O");
        rule.check(core);
    }

    @Test
    void noThreadsOrExecutors() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("java.util.concurrent..")
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .orShould().dependOnClassesThat().areAssignableTo(Runnable.class)
                .because("one event loop in the shell owns core state; the core never schedules work")
                .check(core);
    }

    @Test
    void noClocks() {
        noClasses().should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Thread.class, "sleep", long.class)
                .orShould().callMethod(java.time.Instant.class, "now")
                .orShould().callMethod(java.time.LocalDateTime.class, "now")
                .orShould().dependOnClassesThat().areAssignableTo(java.time.Clock.class)
                .because("time comes in with each event; timers are deadlines in state")
                .check(core);
    }

    @Test
    void noRandomness() {
        noClasses().should().dependOnClassesThat().areAssignableTo(java.util.Random.class)
                .orShould().dependOnClassesThat().areAssignableTo(java.security.SecureRandom.class)
                .orShould().callMethod(Math.class, "random")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.UUID")
                .because("jitter comes in through a seeded generator passed in")
                .check(core);
    }

    @Test
    void noLogging() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                "org.slf4j..", "ch.qos.logback..", "java.util.logging..", "org.apache.logging..")
                .orShould().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .because("the core reports through Record effects; the shell logs")
                .check(core);
    }
}
