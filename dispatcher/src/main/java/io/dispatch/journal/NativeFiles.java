package io.dispatch.journal;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

/**
 * The three libc calls {@link JournalSpace} needs, bound with jnr-ffi (which Chronicle already brings). Chronicle's
 * own {@code PosixAPI.fallocate} falls back to {@code posix_fallocate} on any failure, after which errno no longer
 * tells ENOSPC from "not supported"; these calls return the kernel's answer as it is. Thread-safe.
 */
final class NativeFiles
{
    static final int O_RDWR = 2;
    static final int ENOSPC = 28;
    static final int EDQUOT = 122;

    /** The libc functions, as jnr-ffi binds them. */
    public interface LibC
    {
        @SaveError
        int open(String path, int flags, int mode);

        @SaveError
        int fallocate(int fd, int mode, long offset, long length);

        int close(int fd);

        String strerror(int errno);
    }

    private static final LibC LIBC = load();

    private NativeFiles()
    {
    }

    private static LibC load()
    {
        try
        {
            return LibraryLoader.create(LibC.class).load("c");
        }
        catch (final RuntimeException | LinkageError ex)
        {
            return null;
        }
    }

    /** @return the libc binding, or null on a platform without one (then only the watcher protects the journal). */
    static LibC libc()
    {
        return LIBC;
    }

    /** @return errno of the calling thread's last {@link SaveError} call. */
    static int lastErrno()
    {
        return Runtime.getRuntime(LIBC).getLastError();
    }
}
