package io.dispatch;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.dispatch.protocol.SubmitDescriptor;
import io.dispatch.protocol.SubmitFlyweight;
import io.dispatch.protocol.VarCursor;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules of docs/design/layering.md, checked on the compiled main classes of the engine and the client
 * module (tests excluded). A rule names what a package must not reach; a failure lists each offending dependency
 * with its source line. There are no exceptions.
 */
class LayeringTest
{
    private static final JavaClasses CLASSES = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.dispatch");

    private static final String[] CONNECTOR_IMPLEMENTATIONS = {
        "io.dispatch.connector.apns..", "io.dispatch.connector.fcm..", "io.dispatch.connector.http..",
        "io.dispatch.connector.kakao..", "io.dispatch.connector.messenger..", "io.dispatch.connector.push..",
        "io.dispatch.connector.sim..", "io.dispatch.connector.smpp..", "io.dispatch.connector.smsrelay..",
        "io.dispatch.connector.talktalk..", "io.dispatch.connector.webhook.."};

    @Test
    void ringDoesNotKnowTheSession()
    {
        check(new String[]{"io.dispatch.ring.."}, resideInAPackage("io.dispatch.ingest.."));
    }

    @Test
    void stagesKnowNeitherIngestNorNetty()
    {
        check(new String[]{"io.dispatch.stage.."}, resideInAnyPackage("io.dispatch.ingest..", "io.netty.."));
    }

    @Test
    void journalKnowsNoConnectionStageOrLane()
    {
        check(new String[]{"io.dispatch.journal.."}, resideInAnyPackage(
            "io.dispatch.ingest..", "io.dispatch.ring..", "io.dispatch.stage..", "io.dispatch.schedule..",
            "io.dispatch.targeting..", "io.dispatch.inbound..", "io.dispatch.stream..", "io.dispatch.connector..",
            "io.dispatch.admin.."));
    }

    @Test
    void connectorImplementationsSeeOnlyTheSpi()
    {
        check(CONNECTOR_IMPLEMENTATIONS, resideInAnyPackage(
            "io.dispatch.ring..", "io.dispatch.journal..", "io.dispatch.connector.runtime..", "io.dispatch.policy..",
            "io.dispatch.admin..", "io.dispatch.ingest..", "io.dispatch.stage..", "io.dispatch.targeting..",
            "io.dispatch.schedule..", "io.dispatch.inbound..", "io.dispatch.stream..", "io.dispatch.status..",
            "io.dispatch.directory.."));
    }

    @Test
    void connectorImplementationsReadTheMessageThroughTheSpi()
    {
        // the wire layout of a SUBMIT stays the protocol's: a connector reads DeliveryRequest and its Variables view
        check(CONNECTOR_IMPLEMENTATIONS, belongToAnyOf(SubmitFlyweight.class, VarCursor.class, SubmitDescriptor.class));
    }

    @Test
    void connectorSpiKnowsNoRuntimeAndNoImplementation()
    {
        check(new String[]{"io.dispatch.connector"}, engineExcept("io.dispatch.connector", "io.dispatch.protocol.."));
    }

    @Test
    void targetingDoesNotUseTheClientLibrary()
    {
        check(new String[]{"io.dispatch.targeting.."}, resideInAPackage("io.dispatch.client.."));
    }

    @Test
    void nettyEdgeImportsOnlyTheProtocol()
    {
        check(new String[]{"io.dispatch.netty.."}, engineExcept("io.dispatch.netty..", "io.dispatch.protocol.."));
    }

    @Test
    void groundFloorPackagesImportOnlyTheProtocol()
    {
        check(new String[]{"io.dispatch.status.."}, engineExcept("io.dispatch.status..", "io.dispatch.protocol.."));
        check(new String[]{"io.dispatch.util.."}, engineExcept("io.dispatch.util..", "io.dispatch.protocol.."));
        check(new String[]{"io.dispatch.route.."}, engineExcept("io.dispatch.route..", "io.dispatch.protocol.."));
    }

    @Test
    void configSitsOnTheGroundFloor()
    {
        check(new String[]{"io.dispatch.config.."},
            engineExcept("io.dispatch.config..", "io.dispatch.status..", "io.dispatch.protocol.."));
        check(new String[]{"io.dispatch.tls.."},
            engineExcept("io.dispatch.tls..", "io.dispatch.config..", "io.dispatch.status..", "io.dispatch.protocol.."));
    }

    @Test
    void onlyTheRootUsesTheAdminServer()
    {
        classes().that().resideOutsideOfPackages("io.dispatch", "io.dispatch.admin..")
            .should(notDependOn(resideInAPackage("io.dispatch.admin..")))
            .check(CLASSES);
    }

    @Test
    void packagesFormNoCycle()
    {
        slices().matching("io.dispatch.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    private static void check(final String[] packages, final DescribedPredicate<? super JavaClass> forbidden)
    {
        final ArchRule rule = classes().that().resideInAnyPackage(packages).should(notDependOn(forbidden));
        rule.check(CLASSES);
    }

    /** Every io.dispatch class outside the given packages (the root's composition classes included). */
    private static DescribedPredicate<JavaClass> engineExcept(final String... packages)
    {
        return resideInAPackage("io.dispatch..").and(not(resideInAnyPackage(packages)))
            .as("io.dispatch classes outside " + String.join(", ", packages));
    }

    private static ArchCondition<JavaClass> notDependOn(final DescribedPredicate<? super JavaClass> forbidden)
    {
        return new ArchCondition<>("not depend on " + forbidden.getDescription())
        {
            @Override
            public void check(final JavaClass item, final ConditionEvents events)
            {
                for (final Dependency d : item.getDirectDependenciesFromSelf())
                {
                    if (forbidden.test(d.getTargetClass().getBaseComponentType()))
                    {
                        events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                    }
                }
            }
        };
    }
}
