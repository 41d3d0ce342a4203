package io.dispatch.admin;

import io.dispatch.config.AdminAccess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The admin token the engine generates when none is configured (loopback only): {@code <data.dir>/admin.token},
 * readable by its owner only, so the operator scripts run as the same user can send it and nobody else can.
 * A token a previous start left behind is kept while the file is still private, so tools holding it keep working
 * across restarts; a file others can read is replaced.
 */
public final class AdminTokenFile
{
    public static final String FILE_NAME = "admin.token";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private AdminTokenFile()
    {
    }

    /** @return the token in {@code dataDir}'s file, created (owner read/write only) when missing or not private. */
    public static String loadOrCreate(final Path dataDir) throws IOException
    {
        final Path file = dataDir.resolve(FILE_NAME);
        if (Files.isRegularFile(file) && (!POSIX || Files.getPosixFilePermissions(file).equals(OWNER_ONLY)))
        {
            final String existing = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (existing.length() >= AdminAccess.MIN_TOKEN_LENGTH)
            {
                return existing;
            }
        }
        final byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        final String token = HexFormat.of().formatHex(random);
        Files.createDirectories(dataDir);
        // created private, then moved into place: the token is never readable by others, not even briefly
        final FileAttribute<?>[] attrs = POSIX
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
        final Path tmp = Files.createTempFile(dataDir, FILE_NAME, ".tmp", attrs);
        Files.writeString(tmp, token + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return token;
    }
}
