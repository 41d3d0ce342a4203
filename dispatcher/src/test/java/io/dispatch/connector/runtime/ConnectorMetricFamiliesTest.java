package io.dispatch.connector.runtime;

import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorCounters;
import io.dispatch.connector.ConnectorContext;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.MetricsWriter;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.GrafanaDashboard;
import io.dispatch.testing.PrometheusTextParser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Connector metrics as Prometheus text: one family header per name, labels in order, escaping, a throwing connector. */
class ConnectorMetricFamiliesTest
{
    /** A connector that only has counters. */
    private record Counting(ConnectorCounters counters, boolean fail) implements Connector
    {
        @Override
        public String version()
        {
            return "counting";
        }

        @Override
        public void start(final ConnectorContext context)
        {
        }

        @Override
        public void send(final DeliveryRequest request, final DeliveryCallback callback)
        {
        }

        @Override
        public void stop()
        {
        }

        @Override
        public void writeMetrics(final MetricsWriter out)
        {
            if (fail)
            {
                throw new IllegalStateException("broken");
            }
            counters.write(out.forConnector("inner\"x"));
        }
    }

    @Test
    void shouldGroupSamplesOfTwoConnectorsIntoOneFamilyEach() throws Exception
    {
        final ConnectorCounters a = new ConnectorCounters();
        a.sent();
        a.accepted(2_000_000);
        a.rejected(Reason.UNREGISTERED, 1_000_000);
        a.failed(Reason.PROVIDER_THROTTLED, -1);
        final ConnectorCounters b = new ConnectorCounters();
        b.sent();
        b.sent();
        final ConnectorMetricFamilies families = new ConnectorMetricFamilies();
        families.collect("push-push", "push", new Counting(a, false));
        families.collect("chat-kakao", "kakao", new Counting(b, false));
        families.collect("sms-bad", "bad", new Counting(b, true));
        final StringBuilder sb = new StringBuilder();
        families.appendTo(sb);
        final String text = sb.toString();

        assertThat(text).contains("# TYPE dispatch_connector_sent_total counter\n" +
            "dispatch_connector_sent_total{lane=\"push-push\",connector=\"inner\\\"x\"} 1\n" +
            "dispatch_connector_sent_total{lane=\"chat-kakao\",connector=\"inner\\\"x\"} 2\n");
        assertThat(text).contains("dispatch_connector_rejected_total{lane=\"push-push\",connector=\"inner\\\"x\",reason=\"UNREGISTERED\"} 1\n");
        assertThat(text).contains("dispatch_connector_throttled_total{lane=\"push-push\",connector=\"inner\\\"x\"} 1\n");
        assertThat(text).contains("dispatch_connector_answer_latency_seconds_count{lane=\"push-push\",connector=\"inner\\\"x\"} 2\n");
        assertThat(text).contains("dispatch_connector_answer_latency_seconds{lane=\"push-push\",connector=\"inner\\\"x\",quantile=\"1.0\"} 0.002");
        assertThat(text).contains("dispatch_connector_metrics_errors_total{lane=\"sms-bad\",connector=\"bad\"} 1\n");
        assertThat(text.split("# TYPE dispatch_connector_sent_total ", -1)).hasSize(2);
        final java.util.Map<String, PrometheusTextParser.Family> parsed = PrometheusTextParser.parse(text);
        assertThat(parsed).as("a strict parser reads every family whole")
            .containsKeys("dispatch_connector_sent_total", "dispatch_connector_rejected_total",
                "dispatch_connector_answer_latency_seconds", "dispatch_connector_metrics_errors_total");
        assertThat(GrafanaDashboard.metricFamilies()).as("docs/grafana-dashboard.json queries connector families served")
            .filteredOn(name -> name.startsWith(ConnectorMetricFamilies.PREFIX))
            .isNotEmpty().allSatisfy(name -> assertThat(parsed).containsKey(name));
    }

    /** A connector that names a cumulative count without {@code _total}. */
    private record Misnamed() implements Connector
    {
        @Override
        public String version()
        {
            return "misnamed";
        }

        @Override
        public void start(final ConnectorContext context)
        {
        }

        @Override
        public void send(final DeliveryRequest request, final DeliveryCallback callback)
        {
        }

        @Override
        public void stop()
        {
        }

        @Override
        public void writeMetrics(final MetricsWriter out)
        {
            out.counter("sent", "requests sent", 3);
        }
    }

    @Test
    void shouldCountACounterNamedWithoutTotalAsAMetricsErrorOfItsConnector()
    {
        final ConnectorMetricFamilies families = new ConnectorMetricFamilies();
        families.collect("sms-x", "x", new Misnamed());
        final StringBuilder sb = new StringBuilder();
        families.appendTo(sb);
        assertThat(sb.toString()).doesNotContain("dispatch_connector_sent")
            .contains("dispatch_connector_metrics_errors_total{lane=\"sms-x\",connector=\"x\"} 1\n");
        assertThat(PrometheusTextParser.parse(sb.toString())).containsOnlyKeys("dispatch_connector_metrics_errors_total");
    }
}
