package io.dispatch.client.cli;

import io.dispatch.client.ClientConfig;
import io.dispatch.client.DirectoryBatch;
import io.dispatch.client.DirectoryResult;
import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.FrameDescriptor;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * {@code scripts/directory}: imports a CSV or NDJSON file of recipient profiles into the engine's directory, or
 * applies one operator fix (upsert, consent, opt-out, delete). See {@link #USAGE} and docs/directory.md.
 * Exit codes: 0 done, 1 some row bad, rejected or failed (or the engine refused the fix), 2 bad arguments.
 * <p>
 * Single-threaded command.
 */
public final class DirectoryCommand
{
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    /** Local times and dates in import files are read in the engine's default tenant zone. */
    static final ZoneId ZONE = ZoneId.of("Asia/Seoul");

    static final String USAGE = String.join(System.lineSeparator(),
        "usage: scripts/directory import FILE [--format csv|ndjson] [--batch N] [--in-flight N] [--check]",
        "                                [--errors FILE] [--source TEXT] [--progress auto|bar|lines|none] [connection]",
        "       scripts/directory upsert ID COLUMN=VALUE... [connection]",
        "       scripts/directory consent ID [--channel sms|push|chat|all] [--set FLAGS] [--clear FLAGS] [--source TEXT]",
        "       scripts/directory opt-out SENDER PHONE [--remove] [--source TEXT] [connection]",
        "       scripts/directory delete ID [connection]",
        "       scripts/directory show ID [--tenant NAME] [--json]",
        "       scripts/directory consent-export --tenant NAME [--recipient ID] [--from TIME] [--to TIME]"
            + " [--format csv|ndjson]",
        "",
        "import (docs/directory.md):",
        "  FILE                    CSV with a header line, or NDJSON (one object per line); - reads stdin",
        "  --format FORMAT         csv | ndjson (default: by extension: .csv, .ndjson/.jsonl/.json)",
        "  --batch N               rows per DIRECTORY_UPDATE frame, 1..1024 (default 500)",
        "  --in-flight N           frames sent and not yet answered, 1..64 (default 4)",
        "  --check                 only read and validate the file; nothing is sent",
        "  --errors FILE           write every bad or rejected row (line: problem) to FILE",
        "  --source TEXT           evidence kept with consent changes (default import:FILE-NAME)",
        "  --progress STYLE        auto (bar on a terminal, else a line every 10 s) | bar | lines | none",
        "",
        "one-off fixes:",
        "  upsert ID COL=VALUE...  replace a profile; columns as in the CSV header (gender=F tags=a|b",
        "                          push=fcm:TOKEN consent_sms=ad str:grade=gold int:points=10 time:joined=2024-03-01)",
        "  consent ID              change consent flags; FLAGS is a comma list of ad, night, optout",
        "  opt-out SENDER PHONE    record that PHONE opted out of SENDER's messages (--remove withdraws it)",
        "  delete ID               delete a recipient's profile",
        "",
        "reading back (admin port and token, as scripts/admin: DISPATCH_ADMIN_URL, DISPATCH_ADMIN_TOKEN or",
        "DISPATCH_DATA_DIR):",
        "  show ID                 the recipient's profile, consent in force and consent ledger",
        "  consent-export          every consent statement of the tenant (or one recipient) with time, source and",
        "                          journal position; TIME is ISO-8601 (2026-03-01T00:00:00Z) or epoch ms",
        "",
        ConnectionOptions.USAGE,
        "",
        "exit codes: 0 every row applied (or the fix), 1 some row bad, rejected or not sent, 2 bad arguments",
        "");

    private static final Set<String> IMPORT_SWITCHES = Flags.union(ConnectionOptions.SWITCHES, Set.of("--check"));
    private static final Set<String> FIX_SWITCHES = Flags.union(ConnectionOptions.SWITCHES, Set.of("--remove"));
    private static final Set<String> IMPORT_FLAGS = Flags.union(ConnectionOptions.FLAGS, Set.of(
        "--format", "--batch", "--in-flight", "--errors", "--source", "--progress"));
    private static final Set<String> FIX_FLAGS = Flags.union(ConnectionOptions.FLAGS, Set.of(
        "--channel", "--set", "--clear", "--source"));
    private static final List<String> CONSENT_FLAG_NAMES = List.of("ad", "night", "optout");

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream stdin;
    private final LongSupplier nanoClock;
    private final boolean stderrTerminal;

    /** @param stderrTerminal whether stderr is a terminal (the launcher script tells): the progress draws a bar. */
    DirectoryCommand(final PrintStream out, final PrintStream err, final InputStream stdin, final LongSupplier nanoClock,
        final boolean stderrTerminal)
    {
        this.out = out;
        this.err = err;
        this.stdin = stdin;
        this.nanoClock = nanoClock;
        this.stderrTerminal = stderrTerminal;
    }

    /**
     * Runs the command and exits with its code.
     *
     * @param args see {@code --help}.
     */
    public static void main(final String[] args)
    {
        SendCommand.quietLogging();
        System.exit(new DirectoryCommand(System.out, System.err, System.in, System::nanoTime,
            "1".equals(System.getenv("DISPATCH_STDERR_TTY"))).run(args));
    }

    int run(final String... args)
    {
        if (args.length == 0 || Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h"))
        {
            out.print(USAGE);
            return args.length == 0 ? EXIT_USAGE : EXIT_OK;
        }
        final List<String> rest = Arrays.asList(args).subList(1, args.length);
        try
        {
            switch (args[0])
            {
                case "import":
                    return importFile(Flags.parse(rest, IMPORT_SWITCHES, IMPORT_FLAGS, Set.of()));
                case "upsert":
                case "consent":
                case "opt-out":
                case "delete":
                    final Flags f = Flags.parse(rest, FIX_SWITCHES, FIX_FLAGS, Set.of());
                    return fix(f, encodeFix(args[0], f));
                default:
                    throw new UsageException("unknown command '" + args[0] + "' (import, upsert, consent, opt-out, delete)");
            }
        }
        catch (final UsageException ex)
        {
            err.println("directory: " + ex.getMessage());
            err.println("try: scripts/directory --help");
            return EXIT_USAGE;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            err.println("directory: interrupted");
            return EXIT_FAILED;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // import
    // ---------------------------------------------------------------------------------------------------------

    private int importFile(final Flags f) throws UsageException, InterruptedException
    {
        if (f.positionals().size() != 1)
        {
            throw new UsageException("import takes one FILE, got " + f.positionals());
        }
        final String file = f.positionals().get(0);
        final String format = format(file, f.get("--format", null));
        final int batchSize = (int)f.number("--batch", 500, 1, DirectoryOp.MAX_BATCH_COUNT);
        final int inFlight = (int)f.number("--in-flight", 4, 1, 64);
        final boolean check = f.has("--check");
        final String source = f.get("--source", "import:" + Path.of(file).getFileName());
        final ImportProgress.Style style = progressStyle(f.get("--progress", "auto"));
        final ClientConfig config = check ? null : ConnectionOptions.config(f, "directory-import", true);
        if (source.getBytes(StandardCharsets.UTF_8).length > DirectoryOp.MAX_SOURCE_LENGTH)
        {
            throw new UsageException("--source is longer than " + DirectoryOp.MAX_SOURCE_LENGTH + " bytes");
        }

        try (ImportInput input = ImportInput.open(file, stdin);
             Writer errors = f.has("--errors") ? Files.newBufferedWriter(Path.of(f.get("--errors", null))) : null)
        {
            final RowSource rows = format.equals("csv") ?
                new CsvRowSource(input.reader()) : new NdjsonRowSource(input.reader());
            final ImportProgress progress = new ImportProgress(err, style, nanoClock, input.size());
            final ImportReport report = new ImportReport(err, errors, progress);
            final DirectoryImport run = new DirectoryImport(rows, new ProfileEncoder(source, ZONE), null, report,
                progress, input::bytesRead, nanoClock, batchSize, inFlight, FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH);
            if (check)
            {
                return summarize(run.run(), file, true, report);
            }
            return ConnectionOptions.withClient(f, config, err, "directory", client ->
                summarize(run.sendingTo(client::updateDirectory).run(), file, false, report));
        }
        catch (final NoSuchFileException ex)
        {
            throw new UsageException("no such file: " + ex.getFile());
        }
        catch (final IllegalArgumentException ex)
        {
            // The header (CSV) names an unknown column, lacks id, or repeats one.
            throw new UsageException(file + ": " + ex.getMessage());
        }
        catch (final IOException ex)
        {
            err.println("directory: cannot read " + file + ": " + ex.getMessage());
            return EXIT_FAILED;
        }
    }

    private int summarize(final ImportSummary summary, final String file, final boolean check, final ImportReport report)
    {
        out.print(summary.format(file, check, report));
        return summary.clean() ? EXIT_OK : EXIT_FAILED;
    }

    private static String format(final String file, final String given) throws UsageException
    {
        if (given != null)
        {
            if (!given.equals("csv") && !given.equals("ndjson"))
            {
                throw new UsageException("--format must be csv or ndjson, was '" + given + "'");
            }
            return given;
        }
        final String name = file.toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv"))
        {
            return "csv";
        }
        if (name.endsWith(".ndjson") || name.endsWith(".jsonl") || name.endsWith(".json"))
        {
            return "ndjson";
        }
        throw new UsageException("cannot tell the format of " + file + " from its name: use --format csv|ndjson");
    }

    private ImportProgress.Style progressStyle(final String value) throws UsageException
    {
        switch (value)
        {
            case "auto":
                return stderrTerminal ? ImportProgress.Style.BAR : ImportProgress.Style.LINES;
            case "bar":
                return ImportProgress.Style.BAR;
            case "lines":
                return ImportProgress.Style.LINES;
            case "none":
                return ImportProgress.Style.NONE;
            default:
                throw new UsageException("--progress must be auto, bar, lines or none, was '" + value + "'");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // one-off fixes
    // ---------------------------------------------------------------------------------------------------------

    /** @return the fix as one op, checked with {@link DirectoryOp#validate()}. */
    private static DirectoryOpWriter encodeFix(final String command, final Flags f) throws UsageException
    {
        final List<String> p = f.positionals();
        final String source = f.get("--source", "scripts/directory");
        final DirectoryOpWriter w;
        switch (command)
        {
            case "upsert":
                require(p.size() >= 1, "upsert ID COLUMN=VALUE...");
                final ProfileEncoder encoder = new ProfileEncoder(source, ZONE);
                final String problem = encoder.encode(row(p));
                if (problem != null)
                {
                    throw new UsageException("upsert: " + problem);
                }
                return encoder.writer();
            case "consent":
                require(p.size() == 1, "consent ID [--channel CHANNEL] [--set FLAGS] [--clear FLAGS]");
                w = new DirectoryOpWriter().consent(p.get(0), channel(f.get("--channel", "all")),
                    consentFlags("--set", f.get("--set", "")), consentFlags("--clear", f.get("--clear", "")), 0, source);
                break;
            case "opt-out":
                require(p.size() == 2, "opt-out SENDER PHONE [--remove]");
                w = new DirectoryOpWriter().optOut(p.get(0), p.get(1), f.has("--remove"), 0, source);
                break;
            default:
                require(p.size() == 1, "delete ID");
                w = new DirectoryOpWriter().delete(p.get(0));
                break;
        }
        final String problem = new DirectoryOp().wrap(w.buffer(), 0, w.length()).validate();
        if (problem != null)
        {
            throw new UsageException(command + ": " + problem);
        }
        return w;
    }

    private int fix(final Flags f, final DirectoryOpWriter op) throws UsageException, InterruptedException
    {
        final DirectoryBatch batch = new DirectoryBatch();
        batch.tryAdd(op);
        return ConnectionOptions.withClient(f, ConnectionOptions.config(f, "directory-cli", false), err, "directory",
            client ->
            {
                final DirectoryResult result = SendCommand.await(client.updateDirectory(batch));
                if (result.rejections().isEmpty())
                {
                    out.println("applied");
                    return EXIT_OK;
                }
                final DirectoryResult.Rejection r = result.rejections().get(0);
                out.println("rejected: " + r.problem() + " (" + r.code() + ")");
                return EXIT_FAILED;
            });
    }

    /** {@code upsert ID COL=VALUE...} as an import row, so it is read exactly like a CSV line. */
    private static ImportRow row(final List<String> p) throws UsageException
    {
        final List<Column> columns = new ArrayList<>();
        final List<Object> values = new ArrayList<>();
        columns.add(Column.parse("id"));
        values.add(p.get(0));
        for (final String pair : p.subList(1, p.size()))
        {
            final int eq = pair.indexOf('=');
            if (eq <= 0)
            {
                throw new UsageException("upsert takes COLUMN=VALUE pairs after the id, was '" + pair + "'");
            }
            try
            {
                columns.add(Column.parse(pair.substring(0, eq)));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new UsageException(ex.getMessage());
            }
            values.add(pair.substring(eq + 1));
        }
        return new ImportRow(0, columns, values, null);
    }

    private static int channel(final String name) throws UsageException
    {
        switch (name)
        {
            case "all":
                return 0;
            case "sms":
                return 1;
            case "push":
                return 2;
            case "chat":
                return 3;
            default:
                throw new UsageException("--channel must be sms, push, chat or all, was '" + name + "'");
        }
    }

    /** {@code ad,night,optout} as the CONSENT flag bits 1, 2, 4. */
    private static int consentFlags(final String flag, final String value) throws UsageException
    {
        int bits = 0;
        for (final String item : value.split(","))
        {
            if (item.isBlank())
            {
                continue;
            }
            final int index = CONSENT_FLAG_NAMES.indexOf(item.trim().toLowerCase(Locale.ROOT));
            if (index < 0)
            {
                throw new UsageException(flag + " takes a comma list of ad, night, optout; '" + item + "' is none");
            }
            bits |= 1 << index;
        }
        return bits;
    }

    private static void require(final boolean ok, final String usage) throws UsageException
    {
        if (!ok)
        {
            throw new UsageException("usage: scripts/directory " + usage);
        }
    }
}
