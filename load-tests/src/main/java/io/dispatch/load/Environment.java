package io.dispatch.load;

/** Facts about the machine and JVM for the report. <b>Threading:</b> stateless. */
public final class Environment
{
    private Environment()
    {
    }

    /** @return e.g. {@code "17.0.15+6-Debian-1deb12u1 (Debian, OpenJDK 64-Bit Server VM)"}. */
    public static String jdk()
    {
        return System.getProperty("java.runtime.version", System.getProperty("java.version")) +
            " (" + System.getProperty("java.vendor", "?") + ", " + System.getProperty("java.vm.name", "?") + ")";
    }
}
