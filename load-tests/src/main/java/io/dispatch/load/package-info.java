/**
 * Open-loop load generator for the dispatch engine: a fixed offered rate over N connections, latency
 * recorded with HdrHistogram from each message's <em>intended</em> send time (coordinated-omission
 * corrected), interval logs and a JSON/text report.
 *
 * <pre>
 *   PacedRunner (one thread: parks until a connection's next intended time)
 *        │ wakes the connection's LoopSender on the connection's own event loop
 *        ▼
 *   SenderAgent ──submit(prebuilt Submit, InFlightSubmit{intendedNs})──▶ DispatchClient (same event loop)
 *                                                                           │ ACK/NACK/RECEIPT
 *                                                                           ▼
 *   LoadTest (main thread: progress line each second) ◀──counters── ConnectionTracker
 *        │                                                          (SingleWriterRecorders, ReceiptCorrelator)
 *        └──▶ IntervalLogs (ack.hlog, e2e.hlog) ──▶ ReportWriter (report.json, report.txt), connections.json
 * </pre>
 */
package io.dispatch.load;
