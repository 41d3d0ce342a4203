package io.dispatch.status;

import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.testing.PrometheusTextParser;
import io.dispatch.testing.PrometheusTextParser.Family;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.dispatch.testing.PrometheusTextParser.sample;
import static org.assertj.core.api.Assertions.assertThat;

/** The status table's end-to-end clock and its recording, with the journaled times given (a fixed clock). */
class EndToEndLatencyTest
{
    private static final long ACCEPTED_MS = 1_764_000_000_000L;
    private static final String FAMILY = EndToEndLatency.FAMILY;
    private static final Map<String, String> AUTH_HANDED_OFF = Map.of("until", "provider_accepted", "class", "auth");
    private static final Map<String, String> AUTH_DELIVERED = Map.of("until", "delivered", "class", "auth");

    private final StatusTable table = new StatusTable(64);
    private final EndToEndLatency e2e = new EndToEndLatency();

    @Test
    void shouldTimeHandOffAndDeliveryFromAcceptanceByClass()
    {
        accept(1, MessageKind.AUTH);
        accept(2, MessageKind.MARKETING);
        change(1, DeliveryState.DISPATCHED, ACCEPTED_MS + 1);
        change(1, DeliveryState.PROVIDER_ACCEPTED, ACCEPTED_MS + 40);
        change(2, DeliveryState.PROVIDER_ACCEPTED, ACCEPTED_MS + 7);
        change(1, DeliveryState.DELIVERED, ACCEPTED_MS + 250);

        final Map<String, Family> page = render();
        assertThat(page.get(FAMILY).type()).isEqualTo("summary");
        assertThat(sample(page, FAMILY + "_count", AUTH_HANDED_OFF)).isEqualTo(1);
        assertThat(sample(page, FAMILY + "_sum", AUTH_HANDED_OFF)).isCloseTo(0.040, within(0.040));
        assertThat(sample(page, FAMILY + "_count", AUTH_DELIVERED)).isEqualTo(1);
        assertThat(sample(page, FAMILY + "_sum", AUTH_DELIVERED)).isCloseTo(0.250, within(0.250));
        assertThat(sample(page, FAMILY + "_count", Map.of("until", "provider_accepted", "class", "marketing")))
            .isEqualTo(1);
        assertThat(sample(page, FAMILY + "_sum", Map.of("until", "provider_accepted", "class", "marketing")))
            .isCloseTo(0.007, within(0.007));
        assertThat(sample(page, FAMILY + "_count", Map.of("until", "delivered", "class", "marketing"))).isZero();
        assertThat(sample(page, FAMILY + "_count", Map.of("until", "provider_accepted", "class", "informational")))
            .isZero();
    }

    @Test
    void shouldTimeOnlyTheFirstHandOffAndOneDelivery()
    {
        accept(1, MessageKind.INFORMATIONAL);
        change(1, DeliveryState.PROVIDER_ACCEPTED, ACCEPTED_MS + 10);
        // a fallback sends it again on another channel: the recipient's wait for a provider ended at the first
        change(1, DeliveryState.DISPATCHED, ACCEPTED_MS + 5_000);
        change(1, DeliveryState.PROVIDER_ACCEPTED, ACCEPTED_MS + 5_010);
        change(1, DeliveryState.DELIVERED, ACCEPTED_MS + 6_000);
        change(1, DeliveryState.DELIVERED, ACCEPTED_MS + 9_000); // a duplicate receipt

        final Map<String, Family> page = render();
        final Map<String, String> handedOff = Map.of("until", "provider_accepted", "class", "informational");
        final Map<String, String> delivered = Map.of("until", "delivered", "class", "informational");
        assertThat(sample(page, FAMILY + "_count", handedOff)).isEqualTo(1);
        assertThat(sample(page, FAMILY + "_sum", handedOff)).isCloseTo(0.010, within(0.010));
        assertThat(sample(page, FAMILY + "_count", delivered)).isEqualTo(1);
        assertThat(sample(page, FAMILY + "_sum", delivered)).isCloseTo(6.0, within(6.0));
    }

    @Test
    void shouldRestartTheClockAtADeferralsDueTime()
    {
        accept(1, MessageKind.AUTH);
        final long dueMs = ACCEPTED_MS + 3_600_000L;
        change(1, DeliveryState.DEFERRED, dueMs);
        change(1, DeliveryState.PROVIDER_ACCEPTED, dueMs + 20);
        change(1, DeliveryState.DELIVERED, dueMs + 120);

        final Map<String, Family> page = render();
        assertThat(sample(page, FAMILY + "_sum", AUTH_HANDED_OFF)).isCloseTo(0.020, within(0.020));
        assertThat(sample(page, FAMILY + "_sum", AUTH_DELIVERED)).isCloseTo(0.120, within(0.120));
    }

    @Test
    void shouldTimeADeliveryAfterARestartFromTheJournaledAcceptance()
    {
        // recovery replays the acceptance and the hand-off into the table, without recording
        table.insert(1, DeliveryState.ACCEPTED.code(), ACCEPTED_MS, (byte)1, MessageKind.AUTH.code(), 1, 0);
        table.update(table.find(1), DeliveryState.PROVIDER_ACCEPTED.code(), (byte)1, (short)0, ACCEPTED_MS + 30, (byte)0);
        // the receipt comes after the restart
        change(1, DeliveryState.DELIVERED, ACCEPTED_MS + 90_000);

        final Map<String, Family> page = render();
        assertThat(sample(page, FAMILY + "_count", AUTH_HANDED_OFF)).as("timed before the restart").isZero();
        assertThat(sample(page, FAMILY + "_count", AUTH_DELIVERED)).isEqualTo(1);
        assertThat(sample(page, FAMILY + "_sum", AUTH_DELIVERED)).isCloseTo(90.0, within(90.0));
    }

    @Test
    void shouldTimeADeliveryReportedWithoutAHandOffAsBoth()
    {
        accept(1, MessageKind.AUTH);
        change(1, DeliveryState.DELIVERED, ACCEPTED_MS + 15);

        final Map<String, Family> page = render();
        assertThat(sample(page, FAMILY + "_count", AUTH_HANDED_OFF)).isEqualTo(1);
        assertThat(sample(page, FAMILY + "_count", AUTH_DELIVERED)).isEqualTo(1);
    }

    private void accept(final long id, final MessageKind kind)
    {
        table.insert(id, DeliveryState.ACCEPTED.code(), ACCEPTED_MS, (byte)1, kind.code(), 1, 0);
    }

    /** What the status stage does with a state change: record, then update the table. */
    private void change(final long id, final DeliveryState state, final long atMs)
    {
        final int slot = table.find(id);
        e2e.onState(table, slot, state.code(), atMs);
        table.update(slot, state.code(), (byte)1, (short)0, atMs, (byte)0);
    }

    private Map<String, Family> render()
    {
        final StringBuilder sb = new StringBuilder();
        e2e.appendPrometheus(sb);
        return PrometheusTextParser.parse(sb.toString());
    }

    /** HdrHistogram keeps two significant digits: a sum is exact to 1 %. */
    private static Offset<Double> within(final double value)
    {
        return Offset.offset(value * 0.01);
    }
}
