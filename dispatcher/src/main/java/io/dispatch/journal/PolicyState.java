package io.dispatch.journal;

import io.dispatch.config.CapRules;

/**
 * The policy stage's state methods for what its journal records say: sends for the frequency caps, consent updates
 * and address links for the directory, runtime rate and caps changes. The policy stage calls the consent, rate and
 * caps methods live for the same changes it journals; {@link JournalReplayer} calls all of them, in journal order,
 * at a start. Implemented by {@code io.dispatch.stage.PolicyHandler}.
 */
public interface PolicyState
{
    /** A message handed towards a lane at {@code atMs} (a send the caps count). */
    void sent(int tenantId, byte kind, byte channel, long recipientKey, long atMs);

    /** A CONSENT record's body ({@code io.dispatch.protocol.ConsentFrame}): a consent change or an address link. */
    void consent(int tenantId, byte[] body);

    /** An operator's rate change of a tenant ({@code channel} 0) or of one of its channels, changed at {@code atMs}. */
    default void rate(int tenantId, byte channel, long perSecond, long burst, int reservedPercent, long atMs)
    {
    }

    /** An operator's change of a scope's frequency caps at {@code atMs}. */
    default void caps(int tenantId, byte kind, byte channel, CapRules rules, long atMs)
    {
    }
}
