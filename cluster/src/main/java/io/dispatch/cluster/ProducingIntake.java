package io.dispatch.cluster;

import io.dispatch.ingest.SessionHandler;
import io.dispatch.ingest.SubmitIntake;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.ring.DispatchEvent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster mode's intake: a client's SUBMIT is written to the cluster topic (idempotent producer, {@code acks=all})
 * keyed by its recipient, and the client is answered only once Kafka confirmed the write: ACK with the
 * {@link ClusterMessageIds cluster id}, or NACK BACKPRESSURE when the write failed (nothing acked, the client
 * retries with the same idempotency key). The node owning the partition sends it ({@link PartitionFeeder}).
 * <p>
 * Allocates per message (the record, its key and value, the answer task): the Kafka client does anyway.
 */
final class ProducingIntake implements SubmitIntake
{
    private static final Logger LOG = LoggerFactory.getLogger(ProducingIntake.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AckedIds acked;
    private final int partitions;
    private volatile boolean failureLogged;

    ProducingIntake(final KafkaProducer<byte[], byte[]> producer, final String topic, final int partitions,
        final AckedIds acked)
    {
        this.producer = producer;
        this.topic = topic;
        this.partitions = partitions;
        this.acked = acked;
    }

    /** Kafka's own choice for a keyed record (its built-in partitioner), made here so the write's partition is known. */
    static int partition(final byte[] key, final int partitions)
    {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    @Override
    public void submit(final SessionHandler session, final long correlationId, final DispatchEvent e)
    {
        final byte[] tenant = session.tenantName();
        final byte[] key = ClusterRecords.key(tenant, e.body);
        final int partition = partition(key, partitions);
        final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition, key,
            ClusterRecords.value(tenant, e.kind, e.channel, e.sendAtMs, e.body, e.bodyLength));
        acked.writing(partition);
        try
        {
            producer.send(record, (metadata, ex) ->
            {
                if (ex == null)
                {
                    if (failureLogged)
                    {
                        failureLogged = false;
                        LOG.info("event=cluster_produce_recovered topic={}", topic);
                    }
                    final long id = ClusterMessageIds.of(metadata.partition(), metadata.offset());
                    // recorded now, before the owner can normally have sent it; receipts wait for the ACK's flag
                    final AckedIds.Entry entry = acked.put(id, session.receiptSink());
                    session.eventLoop().execute(() ->
                    {
                        session.answerTaken(correlationId, id, null, null);
                        entry.acked = true;
                    });
                }
                else
                {
                    acked.failed(partition);
                    refused(session, correlationId, ex);
                }
            });
        }
        catch (final KafkaException ex)
        {
            // a full producer buffer or no metadata within max.block.ms: on the event loop already
            acked.failed(partition);
            logOnce(ex);
            session.answerTaken(correlationId, 0, ErrorCode.BACKPRESSURE, "cluster log unavailable: " + ex.getMessage());
        }
    }

    private void refused(final SessionHandler session, final long correlationId, final Exception ex)
    {
        logOnce(ex);
        final String detail = (ex instanceof RetriableException ? "cluster log write timed out: " :
            "cluster log refused the write: ") + ex.getMessage();
        session.eventLoop().execute(() -> session.answerTaken(correlationId, 0, ErrorCode.BACKPRESSURE, detail));
    }

    /** One line per outage, not per message: the next successful write logs the recovery and re-arms it. */
    private void logOnce(final Exception ex)
    {
        if (!failureLogged)
        {
            failureLogged = true;
            LOG.warn("event=cluster_produce_failed topic={} error=\"{}\" effect=\"SUBMITs NACKed BACKPRESSURE, nothing" +
                " acked\" fix=\"check cluster.bootstrapServers and the brokers\"", topic, ex.toString());
        }
    }
}
