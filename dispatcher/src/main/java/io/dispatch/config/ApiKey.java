package io.dispatch.config;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * One configured API key: either a salted PBKDF2 hash in the self-describing form
 * {@code pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>} (what {@code scripts/hash-key} prints), or the
 * key itself (for development). Hashing is slow by design, so {@link #matches} of a hashed key takes as long as
 * {@link #iterations()} HMAC rounds: never call it on an event loop. Immutable; {@link #toString()} shows no secret.
 */
public final class ApiKey
{
    public static final String PREFIX = "pbkdf2-sha256$";
    public static final int MIN_ITERATIONS = 10_000;
    public static final int MAX_ITERATIONS = 10_000_000;
    /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
    public static final int DEFAULT_ITERATIONS = 600_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";

    private final byte[] plain;
    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private ApiKey(final byte[] plain, final int iterations, final byte[] salt, final byte[] hash)
    {
        this.plain = plain;
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /**
     * @param value   the configured value: a {@link #PREFIX} hash or a plain key.
     * @param keyName the configuration key it came from, named in the error of a malformed hash.
     */
    public static ApiKey parse(final String value, final String keyName)
    {
        if (!value.startsWith(PREFIX))
        {
            return new ApiKey(value.getBytes(StandardCharsets.UTF_8), 0, null, null);
        }
        final String[] parts = value.substring(PREFIX.length()).split("\\$", -1);
        if (parts.length != 3)
        {
            throw new ConfigurationException(keyName,
                "a hashed key is pbkdf2-sha256$<iterations>$<salt>$<hash>; print one with scripts/hash-key");
        }
        final int iterations;
        try
        {
            iterations = Integer.parseInt(parts[0]);
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigurationException(keyName, "iterations '" + parts[0] + "' of the hashed key is not a number");
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS)
        {
            throw new ConfigurationException(keyName, "the hashed key's iterations " + iterations + " are outside [" +
                MIN_ITERATIONS + ", " + MAX_ITERATIONS + "]; print a new hash with scripts/hash-key");
        }
        final byte[] salt = base64(parts[1], keyName, "salt");
        final byte[] hash = base64(parts[2], keyName, "hash");
        if (salt.length < 8 || hash.length != HASH_BYTES)
        {
            throw new ConfigurationException(keyName, "the hashed key needs a salt of 8 bytes or more and a hash of " +
                HASH_BYTES + " bytes; print a new one with scripts/hash-key");
        }
        return new ApiKey(null, iterations, salt, hash);
    }

    /** @return the {@link #PREFIX} form of {@code key} with a fresh random salt. */
    public static String hash(final String key, final int iterations, final SecureRandom random)
    {
        final byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        final Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + iterations + "$" + b64.encodeToString(salt) + "$" +
            b64.encodeToString(derive(key.toCharArray(), salt, iterations));
    }

    public boolean isHashed()
    {
        return plain == null;
    }

    public int iterations()
    {
        return iterations;
    }

    /** Constant time in the key's content; slow for a hashed key (one PBKDF2 derivation). */
    public boolean matches(final byte[] presented)
    {
        if (plain != null)
        {
            return MessageDigest.isEqual(plain, presented);
        }
        final char[] chars = decodeUtf8(presented);
        if (chars == null)
        {
            // the engine's own UTF-8 decode of the HELLO field gives valid UTF-8; this is for other callers
            return false;
        }
        try
        {
            return MessageDigest.isEqual(hash, derive(chars, salt, iterations));
        }
        finally
        {
            Arrays.fill(chars, '\0');
        }
    }

    @Override
    public String toString()
    {
        return plain != null ? "****(plain)" : "****(pbkdf2-sha256," + iterations + ")";
    }

    private static byte[] derive(final char[] key, final byte[] salt, final int iterations)
    {
        final PBEKeySpec spec = new PBEKeySpec(key, salt, iterations, HASH_BYTES * 8);
        try
        {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        }
        catch (final GeneralSecurityException ex)
        {
            // PBKDF2WithHmacSHA256 is in every JDK since 8
            throw new IllegalStateException(ALGORITHM + " unavailable", ex);
        }
        finally
        {
            spec.clearPassword();
        }
    }

    private static char[] decodeUtf8(final byte[] bytes)
    {
        try
        {
            final CharBuffer cb = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes));
            final char[] chars = new char[cb.remaining()];
            cb.get(chars);
            return chars;
        }
        catch (final CharacterCodingException ex)
        {
            return null;
        }
    }

    private static byte[] base64(final String text, final String keyName, final String part)
    {
        try
        {
            return Base64.getDecoder().decode(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigurationException(keyName, "the " + part + " of the hashed key is not base64: " + ex.getMessage());
        }
    }
}
