package io.dispatch.connector.fcm;

import io.dispatch.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;

/**
 * A Google service-account key file (the JSON downloaded from the Firebase console): who we are
 * ({@code client_email}), the RSA key that signs our token grants, and where to send them
 * ({@code token_uri}). Immutable; {@link #toString()} never shows the key.
 */
record ServiceAccount(String clientEmail, String privateKeyId, PrivateKey privateKey, String tokenUri, String projectId)
{
    /**
     * @param setting the full setting name, for errors.
     * @throws IllegalArgumentException naming the setting and the missing or bad field (never its value).
     */
    static ServiceAccount load(final Path file, final String setting)
    {
        final Map<String, Object> json;
        try
        {
            json = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(setting + ": '" + file + "' is not a service-account JSON file (" + ex.getMessage() + ")");
        }
        final String type = Json.string(json, "type");
        if (type != null && !type.equals("service_account"))
        {
            throw new IllegalArgumentException(setting + ": '" + file + "' has type '" + type + "', not service_account");
        }
        return new ServiceAccount(
            field(json, "client_email", file, setting),
            Json.string(json, "private_key_id"),
            privateKey(field(json, "private_key", file, setting), file, setting),
            Json.string(json, "token_uri"),
            Json.string(json, "project_id"));
    }

    private static String field(final Map<String, Object> json, final String name, final Path file, final String setting)
    {
        final String v = Json.string(json, name);
        if (v == null || v.isBlank())
        {
            throw new IllegalArgumentException(setting + ": '" + file + "' has no '" + name + "'");
        }
        return v;
    }

    private static PrivateKey privateKey(final String pem, final Path file, final String setting)
    {
        try
        {
            final String base64 = pem
                .replace("-----BEGIN PRIVATE KEY-----", "")
                .replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        }
        catch (final Exception ex)
        {
            throw new IllegalArgumentException(setting + ": '" + file + "' has a 'private_key' that is not a PKCS#8 RSA key");
        }
    }

    @Override
    public String toString()
    {
        return "ServiceAccount[" + clientEmail + ", keyId=" + privateKeyId + "]";
    }
}
