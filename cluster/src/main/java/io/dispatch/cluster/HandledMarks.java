package io.dispatch.cluster;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The recipients a campaign handled on this node (its message journaled here, or skipped as unreachable), written to
 * the directory topic on each recipient's partition: what a later owner of that partition reads, beside the rows,
 * before it takes the campaign over there ({@link DirectoryFollower}, {@code Campaigns.onTakeOver}). One record per
 * campaign, partition and flush, not per recipient.
 * <p>
 * Key: 0, {@code H}, node name, 0, i64 sequence (unique: never compacted away). Value: 0 (no row has an empty tenant),
 * {@code H}, u8 tenant length, tenant, u8 name length, campaign name, u16 count, count × (u8 length, recipient id).
 * <p>
 * <b>Note:</b> used by the targeting thread only; {@link #flush} hands the records to the producer without waiting.
 */
final class HandledMarks
{
    static final byte KIND = 'H';
    private static final Logger LOG = LoggerFactory.getLogger(HandledMarks.class);
    /** Per partition, allocated when first used: a record well below the producer's 1 MB default. */
    private static final int MAX_RECORD_BYTES = 64 * 1024;

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final byte[] node;
    private final ByteBuffer[] byPartition;
    private final int[] counts;
    private byte[] campaign;
    private byte[] tenant;
    private long sequence = System.currentTimeMillis() << 16;
    private int dirty;

    HandledMarks(final KafkaProducer<byte[], byte[]> producer, final String topic, final int partitions,
        final String node)
    {
        this.producer = producer;
        this.topic = topic;
        this.node = node.getBytes(StandardCharsets.UTF_8);
        this.byPartition = new ByteBuffer[partitions];
        this.counts = new int[partitions];
    }

    void add(final byte[] campaignName, final byte[] tenantName, final byte[] id, final int length, final int partition)
    {
        if (campaign != campaignName || tenant != tenantName)
        {
            flush();
            campaign = campaignName;
            tenant = tenantName;
        }
        ByteBuffer b = byPartition[partition];
        if (b == null)
        {
            b = ByteBuffer.allocate(MAX_RECORD_BYTES);
            byPartition[partition] = b;
        }
        if (counts[partition] == 0)
        {
            b.clear();
            b.put((byte)0).put(KIND).put((byte)tenantName.length).put(tenantName).put((byte)campaignName.length)
                .put(campaignName).putShort((short)0);
        }
        else if (b.remaining() < 1 + length || counts[partition] == 0xFFFF)
        {
            write(partition);
            add(campaignName, tenantName, id, length, partition);
            return;
        }
        b.put((byte)length).put(id, 0, length);
        if (counts[partition]++ == 0)
        {
            dirty++;
        }
    }

    /** Hands every partition's pending marks to the producer. */
    void flush()
    {
        for (int p = 0; dirty > 0 && p < counts.length; p++)
        {
            if (counts[p] > 0)
            {
                write(p);
            }
        }
    }

    private void write(final int partition)
    {
        final ByteBuffer b = byPartition[partition];
        final int countAt = 4 + tenant.length + campaign.length;
        b.putShort(countAt, (short)counts[partition]);
        final byte[] value = Arrays.copyOf(b.array(), b.position());
        final byte[] key = ByteBuffer.allocate(3 + node.length + 8).put((byte)0).put(KIND).put(node).put((byte)0)
            .putLong(sequence++).array();
        counts[partition] = 0;
        dirty--;
        try
        {
            producer.send(new ProducerRecord<>(topic, partition, key, value), (metadata, ex) ->
            {
                if (ex != null)
                {
                    LOG.warn("event=cluster_campaign_marks_lost partition={} error=\"{}\" effect=\"a later owner of " +
                        "the partition may send these recipients the campaign again\"", partition, ex.toString());
                }
            });
        }
        catch (final KafkaException | IllegalStateException ex)
        {
            // IllegalStateException: the producer closed (the node stopping)
            LOG.warn("event=cluster_campaign_marks_lost partition={} error=\"{}\" effect=\"a later owner of the" +
                " partition may send these recipients the campaign again\"", partition, ex.toString());
        }
    }

    /** @return whether a directory topic value is a marks record rather than a row. */
    static boolean isMarks(final byte[] value)
    {
        return value.length >= 2 && value[0] == 0 && value[1] == KIND;
    }

    /** Reads a marks record: calls {@code to} with the campaign's key ({@code tenant/name}) and each recipient id. */
    static void read(final byte[] value, final Sink to)
    {
        final ByteBuffer b = ByteBuffer.wrap(value);
        b.position(2);
        final String tenantName = string(b, b.get() & 0xFF);
        final String name = string(b, b.get() & 0xFF);
        final int count = b.getShort() & 0xFFFF;
        final String campaignKey = campaignKey(tenantName, name);
        for (int i = 0; i < count; i++)
        {
            to.handled(campaignKey, string(b, b.get() & 0xFF));
        }
    }

    static String campaignKey(final String tenant, final String name)
    {
        return tenant + "/" + name;
    }

    private static String string(final ByteBuffer b, final int length)
    {
        final String s = new String(b.array(), b.position(), length, StandardCharsets.UTF_8);
        b.position(b.position() + length);
        return s;
    }

    interface Sink
    {
        void handled(String campaignKey, String recipientId);
    }
}
