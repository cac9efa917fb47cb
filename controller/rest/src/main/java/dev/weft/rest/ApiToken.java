package dev.weft.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The bearer token of the REST API. It is compared in constant time (over SHA-256 digests, so
 * that not even its length leaks) and never printed: {@link #toString()} hides it.
 */
public final class ApiToken {
    private final byte[] digest;

    private ApiToken(String token) {
        this.digest = sha256(token);
    }

    /** A token; blank text is refused (it would let anyone in). */
    public static ApiToken of(String token) {
        Objects.requireNonNull(token, "token");
        if (token.isBlank()) {
            throw new IllegalArgumentException("the API token is empty");
        }
        return new ApiToken(token);
    }

    /** Whether {@code presented} is this token; takes the same time whatever it is. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(digest, sha256(presented));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "ApiToken(hidden)";
    }
}
