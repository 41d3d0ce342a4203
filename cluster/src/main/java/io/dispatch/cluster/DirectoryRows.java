package io.dispatch.cluster;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageType;
import io.dispatch.targeting.TargetingRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client's DIRECTORY_UPDATE in cluster mode: each valid op becomes one record of the compacted directory topic,
 * written to the partition tenant + recipient id would take on the cluster topic, so the node owning that partition
 * applies it ({@link DirectoryFollower}), and keyed by the recipient and the fields the op sets
 * ({@link DirectoryRowKeys}), so that compaction keeps every field's last op for a node reading the partition later. A sender opt-out or a token invalidation names
 * no recipient: it is written to every partition. The batch is answered once Kafka took every record ({@code
 * acks=all}), like a SUBMIT: DIRECTORY_RESULT with the ops that failed validation here as rejected. What only the
 * owner can refuse (a full directory, an attribute used with another type, too many push tokens) is logged and
 * counted by the owner, not answered: the owner applies the row after the answer, on another node.
 */
final class DirectoryRows
{
    /** Key of a row that names no recipient: tenant, 0, this byte, then the op's own identity. */
    private static final byte NOT_A_RECIPIENT = 1;

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final int partitions;
    private final DirectoryOp op = new DirectoryOp();

    DirectoryRows(final KafkaProducer<byte[], byte[]> producer, final String topic, final int partitions)
    {
        this.producer = producer;
        this.topic = topic;
        this.partitions = partitions;
    }

    /** On the session's event loop: validates, writes, and answers the client from the producer's thread. */
    synchronized void write(final TargetingRequest r, final byte[] tenantName)
    {
        final byte[] b = r.body();
        final int count = u16(b, 0);
        final List<ProducerRecord<byte[], byte[]>> rows = new ArrayList<>(count);
        final List<int[]> rejected = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        int p = DirectoryOp.BATCH_HEADER_LENGTH;
        for (int i = 0; i < count; i++)
        {
            final int length = u16(b, p);
            final int at = p + 2;
            p = at + length;
            final String problem = op.wrap(b, at, length).validate();
            if (problem != null)
            {
                rejected.add(new int[] {i, ErrorCode.INVALID_FIELD.code()});
                problems.add(problem);
                continue;
            }
            final byte[] value = new byte[1 + tenantName.length + length];
            value[0] = (byte)tenantName.length;
            System.arraycopy(tenantName, 0, value, 1, tenantName.length);
            System.arraycopy(b, at, value, 1 + tenantName.length, length);
            if (op.op() == DirectoryOp.OPT_OUT || op.op() == DirectoryOp.INVALIDATE_TOKEN)
            {
                final boolean optOut = op.op() == DirectoryOp.OPT_OUT;
                final byte[] key = key(tenantName, NOT_A_RECIPIENT, op.op(), b, op.subjectOffset(), op.subjectLength(),
                    optOut ? op.phoneOffset() : op.tokenOffset(), optOut ? op.phoneLength() : op.tokenLength());
                for (int partition = 0; partition < partitions; partition++)
                {
                    rows.add(new ProducerRecord<>(topic, partition, key, value));
                }
            }
            else
            {
                final byte[] recipient = recipientKey(tenantName, b, op.subjectOffset(), op.subjectLength());
                rows.add(new ProducerRecord<>(topic, ProducingIntake.partition(recipient, partitions),
                    DirectoryRowKeys.key(recipient, op), value));
            }
        }
        final int applied = count - rejected.size();
        if (rows.isEmpty())
        {
            answer(r, applied, rejected, problems);
            return;
        }
        final AtomicInteger left = new AtomicInteger(rows.size());
        final AtomicBoolean failed = new AtomicBoolean();
        for (final ProducerRecord<byte[], byte[]> row : rows)
        {
            try
            {
                producer.send(row, (metadata, ex) ->
                {
                    if (ex != null)
                    {
                        failed.set(true);
                    }
                    if (left.decrementAndGet() == 0)
                    {
                        finish(r, failed.get(), applied, rejected, problems);
                    }
                });
            }
            catch (final KafkaException ex)
            {
                // the producer's buffer is full (max.block.ms) or it is closing: the client resends the batch
                failed.set(true);
                if (left.decrementAndGet() == 0)
                {
                    finish(r, true, applied, rejected, problems);
                }
            }
        }
    }

    /** The key of a recipient's row, and the partitioner's input: tenant name, 0, recipient id. */
    static byte[] recipientKey(final byte[] tenantName, final byte[] id, final int offset, final int length)
    {
        final byte[] key = new byte[tenantName.length + 1 + length];
        System.arraycopy(tenantName, 0, key, 0, tenantName.length);
        System.arraycopy(id, offset, key, tenantName.length + 1, length);
        return key;
    }

    private static byte[] key(final byte[] tenantName, final byte marker, final byte kind, final byte[] b,
        final int firstOffset, final int firstLength, final int secondOffset, final int secondLength)
    {
        final byte[] key = new byte[tenantName.length + 4 + firstLength + secondLength];
        System.arraycopy(tenantName, 0, key, 0, tenantName.length);
        int at = tenantName.length + 1;
        key[at++] = marker;
        key[at++] = kind;
        System.arraycopy(b, firstOffset, key, at, firstLength);
        at += firstLength + 1;
        System.arraycopy(b, secondOffset, key, at, secondLength);
        return key;
    }

    private static void finish(final TargetingRequest r, final boolean failed, final int applied,
        final List<int[]> rejected, final List<String> problems)
    {
        if (failed)
        {
            CampaignCounters.nack(r.requester(), r.correlationId(), ErrorCode.BACKPRESSURE,
                "directory rows not all written to Kafka: resend the batch (its ops are idempotent)");
            return;
        }
        answer(r, applied, rejected, problems);
    }

    private static void answer(final TargetingRequest r, final int applied, final List<int[]> rejected,
        final List<String> problems)
    {
        if (r.requester() == null)
        {
            return;
        }
        final ByteBuf out = ByteBufAllocator.DEFAULT.buffer(32 + rejected.size() * 80);
        final int start = ByteBufFrames.beginFrame(out, MessageType.DIRECTORY_RESULT, 0, r.correlationId());
        out.writeShortLE(applied);
        out.writeShortLE(rejected.size());
        for (int i = 0; i < rejected.size(); i++)
        {
            out.writeShortLE(rejected.get(i)[0]);
            out.writeShortLE(rejected.get(i)[1]);
            final byte[] text = problems.get(i).getBytes(StandardCharsets.UTF_8);
            final int n = Math.min(text.length, 1024);
            out.writeShortLE(n);
            out.writeBytes(text, 0, n);
        }
        ByteBufFrames.endFrame(out, start);
        r.requester().answer(out);
    }

    private static int u16(final byte[] b, final int at)
    {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }
}
