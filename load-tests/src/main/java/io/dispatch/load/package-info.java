/**
 * Open-loop load generator for the dispatch engine: a fixed offered rate over N connections, latency
 * recorded with HdrHistogram from each message's <em>intended</em> send time (coordinated-omission
 * corrected), interval logs and a JSON/text report.
 *
 * <pre>
 *   SenderAgent (one thread per connection, paced by OpenLoopSchedule)
 *        │ submit(prebuilt Submit, InFlightSubmit{intendedNs})
 *        ▼
 *   DispatchClient ──ACK/NACK/RECEIPT on its I/O thread──▶ ConnectionTracker
 *                                                           (SingleWriterRecorders, ReceiptCorrelator)
 *        ▲                                                        │ interval histograms, counters
 *   LoadTest (main thread: progress line each second) ◀───────────┘
 *        └──▶ IntervalLogs (ack.hlog, e2e.hlog) ──▶ ReportWriter (report.json, report.txt)
 * </pre>
 */
package io.dispatch.load;
