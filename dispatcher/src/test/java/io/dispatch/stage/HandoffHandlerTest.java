package io.dispatch.stage;

import io.dispatch.config.DispatcherConfig;
import io.dispatch.config.LaneConfig;
import io.dispatch.config.Settings;
import io.dispatch.config.TemplateRegistry;
import io.dispatch.connector.runtime.ConnectorLane;
import io.dispatch.connector.runtime.StatePublisher;
import io.dispatch.connector.sim.SimulatedConnectorFactory;
import io.dispatch.journal.Journal;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.MessageKind;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.schedule.Scheduler;
import io.dispatch.status.CancelledCampaigns;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;
import io.dispatch.status.LaneAdmission;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static io.dispatch.stage.StageEvents.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-off stage with a real (not started) lane and a real scheduler: a message the policies let through goes to
 * its lane's queue of its class, a deferred one to the scheduler, and every other outcome gives back the lane
 * admission its publisher took.
 */
class HandoffHandlerTest
{
    @TempDir
    Path dir;

    private final StageEvents events = new StageEvents();
    private final LaneAdmission sms = events.admissions[ChannelType.SMS.code()];
    private final long[] now = {NOW};
    private final Scheduler scheduler = new Scheduler(StageEvents.unreserved(), events.admissions, () -> now[0],
        1 << 16, new CancelledCampaigns());
    private Journal journal;
    private ConnectorLane lane;
    private HandoffHandler stage;

    @BeforeEach
    void start()
    {
        journal = new Journal(dir, "FAST_DAILY");
        final LaneConfig config = DispatcherConfig.from(new Settings(new Properties())).lanes().get(ChannelType.SMS);
        final Counters counters = new Counters();
        lane = new ConnectorLane(config, new SimulatedConnectorFactory().create(Map.of()), sms, journal, dir,
            new TemplateRegistry(Map.of()), new StatePublisher(events.ring, StageEvents.unreserved()),
            SystemEpochClock.INSTANCE, SystemNanoClock.INSTANCE, () -> Long.MAX_VALUE, new DistinctErrorLog(counters),
            counters);
        final ConnectorLane[] lanes = new ConnectorLane[ChannelType.CODES];
        lanes[ChannelType.SMS.code()] = lane;
        scheduler.ring(events.ring);
        stage = new HandoffHandler(lanes, scheduler);
    }

    @AfterEach
    void close()
    {
        journal.close();
    }

    @Test
    void shouldQueueASentMessageInItsClassesQueueKeepingItsAdmission()
    {
        final DispatchEvent otp = decided(MessageKind.AUTH, Decision.SEND, 5);
        final DispatchEvent promo = decided(MessageKind.MARKETING, Decision.SEND, 6);

        stage.onEvent(otp, 0, false);
        stage.onEvent(promo, 1, true);

        assertThat(lane.priorityDepth()).isEqualTo(1);
        assertThat(lane.bulkDepth()).isEqualTo(1);
        assertThat(sms.inSystem()).as("held until the lane settles them").isEqualTo(2);
    }

    @Test
    void shouldGiveADeferredMessageToTheSchedulerAndReleaseItsAdmission()
    {
        final DispatchEvent deferred = decided(MessageKind.MARKETING, Decision.DEFER, 7);
        deferred.dueAtMs = NOW + 1_000;

        stage.onEvent(deferred, 0, true);
        scheduler.doWork();

        assertThat(scheduler.pending()).isEqualTo(1);
        assertThat(lane.bulkDepth()).isZero();
        assertThat(sms.inSystem()).as("the scheduler takes admission again when it is due").isZero();
    }

    @Test
    void shouldReleaseTheAdmissionOfEveryOtherOutcome()
    {
        final DispatchEvent duplicate = decided(MessageKind.INFORMATIONAL, Decision.DUPLICATE, 8);
        duplicate.outcome = DispatchEvent.OUTCOME_DUPLICATE;
        final DispatchEvent suppressed = decided(MessageKind.MARKETING, Decision.SUPPRESS, 9);
        final DispatchEvent failed = decided(MessageKind.AUTH, Decision.SEND, 0);
        failed.outcome = DispatchEvent.OUTCOME_JOURNAL_FAILED;
        assertThat(sms.inSystem()).isEqualTo(3);

        stage.onEvent(duplicate, 0, false);
        stage.onEvent(suppressed, 1, false);
        stage.onEvent(failed, 2, true);

        assertThat(sms.inSystem()).isZero();
        assertThat(lane.priorityDepth() + lane.bulkDepth()).isZero();
        scheduler.doWork();
        assertThat(scheduler.pending()).isZero();
    }

    /** A SUBMIT as it leaves the policy and journal stages; its publisher took the lane admission. */
    private DispatchEvent decided(final MessageKind kind, final Decision decision, final long messageId)
    {
        final DispatchEvent e = events.submit(kind, ChannelType.SMS, "", "010");
        e.decision = decision.code();
        e.messageId = messageId;
        return e;
    }
}
