package io.dispatch.connector.smpp;

import org.jsmpp.bean.BindType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every bad setting is refused with a message naming its key; the password never shows. */
class SmppSettingsTest
{
    @TempDir
    Path dir;

    private Map<String, String> valid()
    {
        final Map<String, String> s = new HashMap<>();
        s.put("host", "smsc.example.net");
        s.put("port", "2775");
        s.put("systemId", "esme");
        s.put("passwordEnv", "SMSC_PASSWORD");
        return s;
    }

    private SmppSettings parse(final Map<String, String> s)
    {
        return SmppSettings.parse(s, name -> "SMSC_PASSWORD".equals(name) ? "s3cr3t" : null);
    }

    @Test
    void shouldApplyDefaultsAndNeverPrintThePassword()
    {
        final SmppSettings s = parse(valid());
        assertThat(s.password()).isEqualTo("s3cr3t");
        assertThat(s.bindType()).isEqualTo(BindType.BIND_TRX);
        assertThat(s.binds()).isEqualTo(1);
        assertThat(s.windowPerBind()).isEqualTo(10);
        assertThat(s.registeredDelivery()).isEqualTo((byte)1);
        assertThat(s.toString()).contains("password=****").doesNotContain("s3cr3t");
    }

    @Test
    void shouldReadThePasswordFromAFileWithoutItsTrailingNewline() throws Exception
    {
        final Path file = dir.resolve("pw");
        Files.writeString(file, "fromfile\n");
        final Map<String, String> s = valid();
        s.remove("passwordEnv");
        s.put("passwordFile", file.toString());
        assertThat(parse(s).password()).isEqualTo("fromfile");
    }

    @Test
    void shouldNameTheKeyOfEveryBadSetting()
    {
        assertRefused(Map.of("hots", "x"), "unknown setting 'hots'");
        assertRefused(Map.of("host", " "), "host: required");
        assertRefused(Map.of("port", "http"), "port: 'http' is not a whole number");
        assertRefused(Map.of("port", "70000"), "port: 70000 is outside [1, 65535]");
        assertRefused(Map.of("binds", "0"), "binds: 0 is outside");
        assertRefused(Map.of("windowPerBind", "5000"), "windowPerBind: 5000 is outside");
        assertRefused(Map.of("bindType", "receiver"), "bindType: 'receiver' is not transceiver or transmitter");
        assertRefused(Map.of("systemId", "a-system-id-that-is-too-long"), "systemId: at most 15");
        assertRefused(Map.of("sourceTon", "9"), "sourceTon: 9 is outside [0, 6]");
        assertRefused(Map.of("destNpi", "7"), "destNpi: 7 is not an SMPP NPI");
        assertRefused(Map.of("registeredDelivery", "yes"), "registeredDelivery: 'yes'");
        assertRefused(Map.of("validityFromTtl", "maybe"), "validityFromTtl: 'maybe' is not true or false");
        assertRefused(Map.of("concatenation", "payload"), "concatenation: 'payload' is not udh or sar");
        assertRefused(Map.of("maxParts", "256"), "maxParts: 256 is outside [1, 255]");
        assertRefused(Map.of("messageIds", "octal"), "messageIds: 'octal' is not auto, text, hex, decimal, hex-decimal");
        assertRefused(Map.of("reconnectInitialMs", "5000", "reconnectMaxMs", "1000"), "reconnectMaxMs: must be >=");
        assertRefused(Map.of("statusMap", "0x58"), "statusMap: '0x58': expected code=");
        assertRefused(Map.of("statusMap", "0x400=rejected:NO_SUCH_REASON"), "'NO_SUCH_REASON' is not a Reason name");
        assertRefused(Map.of("statusMap", "0x400=dropped:PROVIDER_ERROR"), "'dropped' is not failed or rejected");
        assertRefused(Map.of("passwordEnv", "UNSET_VARIABLE"), "passwordEnv: environment variable 'UNSET_VARIABLE' is not set");
        assertRefused(Map.of("passwordFile", dir.resolve("missing").toString()), "passwordFile/passwordEnv: set exactly one");
    }

    @Test
    void shouldRefuseAMissingPasswordFileAndMissingRequiredKeys()
    {
        final Map<String, String> s = valid();
        s.remove("passwordEnv");
        s.put("passwordFile", dir.resolve("missing").toString());
        assertThatThrownBy(() -> parse(s)).hasMessageStartingWith("passwordFile: cannot read");
        s.remove("passwordFile");
        assertThatThrownBy(() -> parse(s)).hasMessageStartingWith("passwordFile/passwordEnv: set exactly one");
        final Map<String, String> noPort = valid();
        noPort.remove("port");
        assertThatThrownBy(() -> parse(noPort)).hasMessageStartingWith("port: required");
    }

    @Test
    void shouldMapStatusCodesWithOverrides()
    {
        final Map<String, String> s = valid();
        s.put("statusMap", "0x400=rejected:INVALID_RECIPIENT, 1025=failed:PROVIDER_UNAVAILABLE,0x0b=failed:PROVIDER_ERROR");
        final SmppStatusMapping m = parse(s).statusMapping();
        assertThat(m.map(0x400)).isEqualTo(SmppStatusMapping.Outcome.rejected(io.dispatch.protocol.Reason.INVALID_RECIPIENT));
        assertThat(m.map(0x401)).isEqualTo(SmppStatusMapping.Outcome.failed(io.dispatch.protocol.Reason.PROVIDER_UNAVAILABLE));
        assertThat(m.map(0x0B)).isEqualTo(SmppStatusMapping.Outcome.failed(io.dispatch.protocol.Reason.PROVIDER_ERROR));
        assertThat(m.map(0x58)).isEqualTo(SmppStatusMapping.Outcome.failed(io.dispatch.protocol.Reason.PROVIDER_THROTTLED));
        assertThat(m.map(0x14)).isEqualTo(SmppStatusMapping.Outcome.failed(io.dispatch.protocol.Reason.PROVIDER_UNAVAILABLE));
        assertThat(m.map(0x1234)).isEqualTo(SmppStatusMapping.Outcome.rejected(io.dispatch.protocol.Reason.PROVIDER_ERROR));
    }

    @Test
    void shouldDocumentEverySetting() throws Exception
    {
        final Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath();
        final String doc = Files.readString(root.resolve("docs/connectors/smpp.md"));
        final String table = doc.substring(doc.indexOf("## Settings"), doc.indexOf("## How it works"));
        assertThat(SmppSettings.KEYS).allSatisfy(key -> assertThat(table).contains("| `" + key + "` |"));
    }

    private void assertRefused(final Map<String, String> change, final String message)
    {
        final Map<String, String> s = valid();
        if (change.containsKey("passwordFile"))
        {
            s.put("passwordFile", change.get("passwordFile"));
        }
        else
        {
            s.putAll(change);
        }
        assertThatThrownBy(() -> parse(s)).as(change.toString())
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(message)
            .hasMessageNotContaining("s3cr3t");
    }
}
