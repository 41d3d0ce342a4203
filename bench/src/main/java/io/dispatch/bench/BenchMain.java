package io.dispatch.bench;

import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of {@code benchmarks.jar}: JMH's command line, plus the project's JVM flags appended to
 * every fork. The flags are the copies of {@code config/jvm/common.args} (and {@code jdk24plus.args} when
 * this JVM is 24 or newer) packaged at build time; forks run on this same JVM unless {@code -jvm} says
 * otherwise, in which case pass matching flags yourself. With {@code -Dbench.forkTmpDir=DIR} the forks'
 * {@code java.io.tmpdir} and {@code user.home} point there (journals, JNA and Chronicle scratch files).
 * Flags given with {@code -jvmArgsAppend} on the command line come after the project's.
 */
public final class BenchMain
{
    private static final String FLAGS_RESOURCE = "/io/dispatch/bench/jvm/";
    private static final int FIRST_JDK_WITH_EXTRA_FLAGS = 24;

    private BenchMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final CommandLineOptions cli;
        try
        {
            cli = new CommandLineOptions(args);
        }
        catch (final CommandLineOptionException ex)
        {
            System.err.println("Error parsing command line: " + ex.getMessage());
            System.exit(2);
            return;
        }
        final Options options = new OptionsBuilder().parent(cli).jvmArgsAppend(forkFlags(cli)).build();
        final Runner runner = new Runner(options);
        if (cli.shouldHelp())
        {
            cli.showHelp();
        }
        else if (cli.shouldList())
        {
            runner.list();
        }
        else if (cli.shouldListWithParams())
        {
            runner.listWithParams(cli);
        }
        else if (cli.shouldListProfilers())
        {
            cli.listProfilers();
        }
        else if (cli.shouldListResultFormats())
        {
            cli.listResultFormats();
        }
        else
        {
            run(runner);
        }
    }

    private static void run(final Runner runner)
    {
        try
        {
            runner.run();
        }
        catch (final NoBenchmarksException ex)
        {
            System.err.println("No matching benchmarks; list them with -l.");
            System.exit(1);
        }
        catch (final RunnerException ex)
        {
            System.err.print("ERROR: ");
            ex.printStackTrace(System.err);
            System.exit(1);
        }
    }

    /** The project's flags for this JDK, then the fork scratch dir, then anything from the command line. */
    static String[] forkFlags(final CommandLineOptions cli)
    {
        final List<String> flags = new ArrayList<>(readFlags("common.args"));
        if (Runtime.version().feature() >= FIRST_JDK_WITH_EXTRA_FLAGS)
        {
            flags.addAll(readFlags("jdk24plus.args"));
        }
        final String tmp = System.getProperty("bench.forkTmpDir");
        if (tmp != null && !tmp.isEmpty())
        {
            flags.add("-Djava.io.tmpdir=" + tmp);
            flags.add("-Duser.home=" + tmp);
        }
        if (cli.getJvmArgsAppend().hasValue())
        {
            flags.addAll(cli.getJvmArgsAppend().get());
        }
        return flags.toArray(new String[0]);
    }

    static List<String> readFlags(final String file)
    {
        final List<String> flags = new ArrayList<>();
        try (InputStream in = BenchMain.class.getResourceAsStream(FLAGS_RESOURCE + file))
        {
            if (in == null)
            {
                throw new IllegalStateException("missing " + FLAGS_RESOURCE + file + " in the jar: rebuild the bench module");
            }
            final BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine())
            {
                final String flag = line.trim();
                if (!flag.isEmpty() && !flag.startsWith("#"))
                {
                    flags.add(flag);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return flags;
    }
}
