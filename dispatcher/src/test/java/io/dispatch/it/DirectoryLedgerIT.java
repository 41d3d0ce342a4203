package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DirectoryBatch;
import io.dispatch.client.DispatchClient;
import io.dispatch.json.Json;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.testing.AdminHttp;
import io.dispatch.testing.EngineFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /tenants/<t>/recipients/<id>} and {@code GET /tenants/<t>/consent}: a recipient's profile and consent
 * ledger and the tenant's consent export, read back from the directory journal of a real engine, the same after a
 * restart, and never across tenants.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DirectoryLedgerIT
{
    private static final long T1 = Instant.parse("2026-03-01T09:00:00Z").toEpochMilli();
    private static final long T2 = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
    private static final long T3 = Instant.parse("2026-03-03T11:00:00Z").toEpochMilli();
    private static final long T4 = Instant.parse("2026-03-04T12:00:00Z").toEpochMilli();
    private static final long T5 = Instant.parse("2026-03-05T13:00:00Z").toEpochMilli();
    private static final String PHONE = "01012340001";

    /** The ledger of u1, oldest first: time, channel, purpose, action, via, source as CSV quotes it. */
    private static final List<String> U1_LEDGER = List.of(
        "2026-03-01T09:00:00Z,sms,ad,grant,UPSERT,\"signup form, 2026-03-01\"",
        "2026-03-02T10:00:00Z,sms,night_ad,grant,CONSENT,call 2026-03-02",
        "2026-03-02T10:00:00Z,push,night_ad,grant,CONSENT,call 2026-03-02",
        "2026-03-02T10:00:00Z,chat,night_ad,grant,CONSENT,call 2026-03-02",
        "2026-03-03T11:00:00Z,sms,ad,withdraw,CONSENT,\"reply \"\"STOP\"\"\"",
        "2026-03-03T11:00:00Z,sms,night_ad,withdraw,CONSENT,\"reply \"\"STOP\"\"\"",
        "2026-03-04T12:00:00Z,sms,sender_opt_out,opt_out,OPT_OUT,080 call");

    @TempDir
    Path dir;

    @Test
    void shouldShowAndExportExactlyTheJournaledConsentInOrderAlsoAfterARestartAndNeverToAnotherTenant() throws Exception
    {
        final String shown;
        final String exported;
        try (Dispatcher d = EngineFixture.launch(EngineFixture.settings(dir));
            DispatchClient c = connect(d.port()))
        {
            update(c, new DirectoryOpWriter().upsert("u1").string("phone", PHONE).string("region", "seoul")
                .addTag("vip").pushToken("fcm", "tok-1").consentField("sms", 1, 0, T1, "signup form, 2026-03-01"));
            update(c, new DirectoryOpWriter().upsert("u2").string("phone", "01099990002")
                .consentField("push", 1, 0, T1, "app settings"));
            update(c, new DirectoryOpWriter().consent("u1", 0, 2, 0, T2, "call 2026-03-02"));
            update(c, new DirectoryOpWriter().consent("u1", 1, 0, 3, T3, "reply \"STOP\""));
            update(c, new DirectoryOpWriter().optOut("0801234567", PHONE, false, T4, "080 call"));
            update(c, new DirectoryOpWriter().upsert("u3").consentField("all", 5, 0, T1, "form"));
            update(c, new DirectoryOpWriter().delete("u3"));
            // an import restating what the directory already holds is no consent event
            update(c, new DirectoryOpWriter().patch("u1").consentField("sms", 0, 1, T5, "crm sync"));
            // address-level consent from clients (message journal): one for u1's phone, one for a phone no one has
            c.updateConsent(PHONE, ChannelType.SMS, 1, 0, "web form 42").get(10, TimeUnit.SECONDS);
            c.updateConsent("01055550000", null, 4, 0, "080 webhook").get(10, TimeUnit.SECONDS);

            final int admin = d.adminPort();
            final HttpResponse<String> show = AdminHttp.get(admin, dir, "/tenants/demo/recipients/u1");
            assertThat(show.statusCode()).as(show.body()).isEqualTo(200);
            assertProfile(show.body());
            shown = show.body();

            exported = AdminHttp.get(admin, dir, "/tenants/demo/consent?recipient=u1").body();
            final List<String> u1 = csvRows(exported);
            assertThat(u1).hasSize(U1_LEDGER.size() + 1);
            assertThat(u1.subList(0, U1_LEDGER.size())).containsExactlyElementsOf(U1_LEDGER);
            assertThat(u1.get(U1_LEDGER.size())).as("the CONSENT frame for u1's phone, journaled now: the newest")
                .endsWith(",sms,ad,grant,CONSENT_FRAME,web form 42");
            assertThat(exported).as("the directory's own mirror of its ops into the address map is not repeated")
                .doesNotContain("directory:u1");

            final String tenantCsv = AdminHttp.get(admin, dir, "/tenants/demo/consent").body();
            assertThat(csvRows(tenantCsv).stream().filter(r -> r.endsWith(",opted_out,opt_out,CONSENT_FRAME,080 webhook"))
                .map(r -> r.split(",")[1])).as("an every-channel CONSENT frame: a row per channel it applies to")
                .containsExactly("sms", "push", "chat", "talktalk", "messenger");
            assertThat(csvRows(tenantCsv)).hasSize(U1_LEDGER.size() + 1 + 9 + 1 + 5)
                .contains("2026-03-01T09:00:00Z,push,ad,grant,UPSERT,app settings");
            assertThat(tenantCsv).as("the phone's opt-out is u1's in the tenant export too")
                .contains(",u1," + PHONE + ",sms,sender_opt_out,opt_out,0801234567,OPT_OUT,080 call,");
            assertThat(csvRows(AdminHttp.get(admin, dir,
                "/tenants/demo/consent?recipient=u1&from=2026-03-02T10:00:00Z&to=" + T3).body()))
                .as("from inclusive, to exclusive").containsExactlyElementsOf(U1_LEDGER.subList(1, 4));

            final List<String> deleted = csvRows(AdminHttp.get(admin, dir, "/tenants/demo/consent?recipient=u3").body());
            assertThat(deleted).as("a delete withdraws the ad consent; the opt-out outlives the profile").hasSize(9)
                .contains("2026-03-01T09:00:00Z,chat,opted_out,opt_out,UPSERT,form");
            assertThat(deleted.subList(6, 9)).allMatch(r -> r.contains(",ad,withdraw,DELETE,"));
            assertThat(AdminHttp.get(admin, dir, "/tenants/demo/recipients/u3").body()).contains("\"exists\":false");

            final String ndjson = AdminHttp.get(admin, dir, "/tenants/demo/consent?recipient=u1&format=ndjson").body();
            final String[] lines = ndjson.split("\n");
            assertThat(lines).hasSize(U1_LEDGER.size() + 1);
            final Map<String, Object> optOut = Json.parseObject(lines[6]);
            assertThat(optOut).containsEntry("sender", "0801234567").containsEntry("address", PHONE)
                .containsEntry("recipient", "u1").containsEntry("source", "080 call");

            assertThat(AdminHttp.get(admin, dir, "/tenants/other/recipients/u1").statusCode())
                .as("another tenant's recipient is unknown").isEqualTo(404);
            assertThat(csvRows(AdminHttp.get(admin, dir, "/tenants/other/consent").body())).isEmpty();
            assertThat(AdminHttp.get(admin, dir, "/tenants/nobody/recipients/u1").statusCode()).isEqualTo(404);
            assertThat(AdminHttp.get(admin, dir, "/tenants/demo/recipients/u9").statusCode()).isEqualTo(404);
            final HttpResponse<String> badTime = AdminHttp.get(admin, dir, "/tenants/demo/consent?from=yesterday");
            assertThat(badTime.statusCode()).isEqualTo(400);
            assertThat(badTime.body()).contains("from", "yesterday");
        }

        try (Dispatcher d = EngineFixture.launch(EngineFixture.settings(dir)))
        {
            assertThat(AdminHttp.get(d.adminPort(), dir, "/tenants/demo/recipients/u1").body()).isEqualTo(shown);
            assertThat(AdminHttp.get(d.adminPort(), dir, "/tenants/demo/consent?recipient=u1").body()).isEqualTo(exported);
            final String text = AdminHttp.get(d.adminPort(), dir, "/tenants/demo/recipients/u1?format=text").body();
            assertThat(text).contains("recipient u1 (tenant demo)", "phone: " + PHONE, "tags: vip",
                "8 statements", "sender 0801234567", "source: call 2026-03-02", "address " + PHONE);
        }
    }

    @SuppressWarnings("unchecked")
    private static void assertProfile(final String body)
    {
        final Map<String, Object> p = Json.parseObject(body);
        assertThat(p).containsEntry("tenant", "demo").containsEntry("recipient", "u1").containsEntry("exists", true);
        assertThat((Map<String, Object>)p.get("attributes")).containsEntry("phone", PHONE).containsEntry("region", "seoul");
        assertThat((List<Object>)p.get("tags")).containsExactly("vip");
        assertThat((List<Object>)p.get("push_tokens")).containsExactly("fcm:tok-1");
        final Map<String, Object> consent = (Map<String, Object>)p.get("consent");
        assertThat((Map<String, Object>)consent.get("sms")).containsEntry("flags", "none")
            .containsEntry("source", "crm sync");
        assertThat((Map<String, Object>)consent.get("push")).containsEntry("flags", "night_ad")
            .containsEntry("at", "2026-03-02T10:00:00Z").containsEntry("source", "call 2026-03-02");
        final List<Object> ledger = (List<Object>)p.get("ledger");
        assertThat(ledger).hasSize(U1_LEDGER.size() + 1);
        assertThat((Map<String, Object>)ledger.get(U1_LEDGER.size())).containsEntry("journal", "messages")
            .containsEntry("address", PHONE).containsEntry("via", "CONSENT_FRAME").containsEntry("source", "web form 42");
        final Map<String, Object> first = (Map<String, Object>)ledger.get(0);
        assertThat(first).containsEntry("time", "2026-03-01T09:00:00Z").containsEntry("channel", "sms")
            .containsEntry("purpose", "ad").containsEntry("action", "grant").containsEntry("via", "UPSERT")
            .containsEntry("source", "signup form, 2026-03-01").containsEntry("journal", "directory");
        assertThat(((Number)first.get("journal_index")).longValue()).isNotNegative();
    }

    /** The CSV rows without the header, as time,channel,purpose,action,via,source. */
    private static List<String> csvRows(final String csv)
    {
        final String[] lines = csv.split("\n");
        assertThat(lines[0]).isEqualTo(
            "time,recorded_at,recipient,address,channel,purpose,action,sender,via,source,journal,journal_index");
        return java.util.Arrays.stream(lines).skip(1).map(DirectoryLedgerIT::project).toList();
    }

    private static String project(final String line)
    {
        // time,recorded_at,recipient,address,channel,purpose,action,sender,via,<source...>,journal,journal_index
        final String[] f = line.split(",", 10);
        final String tail = f[9];
        final String source = tail.substring(0, tail.lastIndexOf(',', tail.lastIndexOf(',') - 1));
        return String.join(",", f[0], f[4], f[5], f[6], f[8], source);
    }

    private static void update(final DispatchClient c, final DirectoryOpWriter op) throws Exception
    {
        final DirectoryBatch batch = new DirectoryBatch();
        batch.add(op.toBytes());
        assertThat(c.updateDirectory(batch).get(10, TimeUnit.SECONDS).applied()).isEqualTo(1);
    }

    private static DispatchClient connect(final int port)
    {
        return DispatchClient.connect(ClientConfig.builder().port(port).tenant("demo").apiKey("demo-key").build());
    }
}
