package dev.weft.core.openflow;

import org.projectfloodlight.openflow.types.DatapathId;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Which certificate may claim a datapath id over TLS: the one whose subject CN is
 * {@code subjectCn}, or the one whose SHA-256 fingerprint is {@code sha256} (as {@code openssl
 * x509 -noout -fingerprint -sha256} prints it; colons and case do not matter). Exactly one of
 * the two.
 */
public record DatapathPin(DatapathId datapathId, Optional<String> subjectCn, Optional<String> sha256) {

    public DatapathPin {
        Objects.requireNonNull(datapathId, "datapathId");
        Objects.requireNonNull(subjectCn, "subjectCn");
        Objects.requireNonNull(sha256, "sha256");
        if (subjectCn.isPresent() == sha256.isPresent()) {
            throw new IllegalArgumentException("a pin of " + datapathId
                    + " needs exactly one of subject-cn and sha256");
        }
        sha256 = sha256.map(DatapathPin::normaliseFingerprint);
    }

    public static DatapathPin bySubjectCn(DatapathId dpid, String cn) {
        return new DatapathPin(dpid, Optional.of(cn), Optional.empty());
    }

    public static DatapathPin bySha256(DatapathId dpid, String fingerprint) {
        return new DatapathPin(dpid, Optional.empty(), Optional.of(fingerprint));
    }

    /** Lower-case hex without separators; throws {@link IllegalArgumentException} unless 32 bytes. */
    static String normaliseFingerprint(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("sha256:")) {
            t = t.substring(7);
        }
        t = t.replace(":", "").replace(" ", "");
        if (t.length() != 64 || !t.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("sha256 fingerprint '" + text + "' is not 32 hex bytes");
        }
        return t;
    }

    /** Whether a certificate with this subject CN and fingerprint is the pinned one. */
    boolean matches(Optional<String> cn, String fingerprintHex) {
        return subjectCn.isPresent() ? subjectCn.equals(cn) : sha256.get().equals(fingerprintHex);
    }

    @Override
    public String toString() {
        return subjectCn.map(c -> "CN=" + c).orElseGet(() -> "sha256 " + colons(sha256.get()));
    }

    static String colons(String hex) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            if (i > 0) {
                b.append(':');
            }
            b.append(hex, i, i + 2);
        }
        return b.toString().toUpperCase(Locale.ROOT);
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
