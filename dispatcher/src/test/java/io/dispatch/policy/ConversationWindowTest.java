package io.dispatch.policy;

import io.dispatch.connector.InboundEvent;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConversationWindowTest
{
    private static final int MESSENGER = ChannelType.MESSENGER.code();
    private static final long HOUR = 3_600_000L;
    private static final byte[] SHIPPED = "order-shipped".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NONE = new byte[0];

    private static ConversationWindow window()
    {
        final long[] windows = new long[ChannelType.CODES];
        windows[MESSENGER] = 24 * HOUR;
        return new ConversationWindow(windows, Map.of(ChannelType.MESSENGER, Map.of("order-shipped", "POST_PURCHASE_UPDATE")));
    }

    @Test
    void shouldOpenOnAUsersMessageOnlyAndCloseAfterTheWindow()
    {
        final ConversationWindow w = window();
        final long t = 1_000_000_000L;
        assertThat(w.check(MESSENGER, MessageKind.MARKETING.code(), 42, NONE, 0, 0, t)).isEqualTo(ConversationWindow.SUPPRESS);
        w.onInbound(1, (byte)MESSENGER, 42, "page", InboundEvent.Kind.EVENT, t);
        assertThat(w.isOpen(MESSENGER, 42, t)).as("an echo or a read opens nothing").isFalse();
        w.onInbound(1, (byte)MESSENGER, 42, "page", InboundEvent.Kind.MESSAGE, t);
        assertThat(w.check(MESSENGER, MessageKind.MARKETING.code(), 42, NONE, 0, 0, t + 24 * HOUR - 1))
            .isEqualTo(ConversationWindow.INSIDE);
        assertThat(w.check(MESSENGER, MessageKind.MARKETING.code(), 42, NONE, 0, 0, t + 24 * HOUR))
            .isEqualTo(ConversationWindow.SUPPRESS);
        w.onInbound(1, (byte)MESSENGER, 42, "page", InboundEvent.Kind.MESSAGE, t - HOUR);
        assertThat(w.lastMessageMs(MESSENGER, 42)).as("an older event replayed late does not move it back").isEqualTo(t);
    }

    @Test
    void shouldLetOnlyTaggedNonMarketingTemplatesOutsideTheWindow()
    {
        final ConversationWindow w = window();
        assertThat(w.check(MESSENGER, MessageKind.INFORMATIONAL.code(), 7, SHIPPED, 0, SHIPPED.length, 1))
            .isEqualTo(ConversationWindow.tagCode("POST_PURCHASE_UPDATE"));
        assertThat(w.check(MESSENGER, MessageKind.MARKETING.code(), 7, SHIPPED, 0, SHIPPED.length, 1))
            .as("never promotional").isEqualTo(ConversationWindow.SUPPRESS);
        assertThat(w.check(MESSENGER, MessageKind.INFORMATIONAL.code(), 7, NONE, 0, 0, 1)).isEqualTo(ConversationWindow.SUPPRESS);
    }

    @Test
    void shouldKeepChannelsApartAndApplyOnlyWhereConfigured()
    {
        final ConversationWindow w = window();
        w.onInbound(1, (byte)ChannelType.TALKTALK.code(), 9, "", InboundEvent.Kind.MESSAGE, 100);
        assertThat(w.applies(ChannelType.TALKTALK.code())).isFalse();
        assertThat(w.lastMessageMs(MESSENGER, 9)).isZero();
        assertThat(w.lastMessageMs(ChannelType.TALKTALK.code(), 9)).isZero();
    }

    @Test
    void shouldSweepExpiredEntriesAsItGrows()
    {
        final ConversationWindow w = window();
        for (int i = 0; i < 70_000; i++)
        {
            w.onInbound(1, (byte)MESSENGER, i, "", InboundEvent.Kind.MESSAGE, i < 60_000 ? 0 : 25 * HOUR);
        }
        assertThat(w.lastMessageMs(MESSENGER, 1)).as("swept: its window closed long ago").isZero();
        assertThat(w.lastMessageMs(MESSENGER, 69_999)).isEqualTo(25 * HOUR);
    }

    @Test
    void shouldRefuseATagMetaDoesNotAllow()
    {
        assertThatThrownBy(() -> new ConversationWindow(new long[ChannelType.CODES],
            Map.of(ChannelType.MESSENGER, Map.of("promo", "PROMOTION")))).hasMessageContaining("PROMOTION");
    }
}
