package dev.weft.core.openflow;

import org.projectfloodlight.openflow.types.DatapathId;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The rule that keeps a switch from claiming another's datapath id: a pinned datapath id may only
 * be claimed over TLS by a certificate pinned to it, and a certificate pinned to some datapath
 * ids may claim only those. Datapath ids without a pin may be claimed by any certificate the CA
 * signed (or over plain TCP, where there is no certificate).
 */
public final class DatapathPins {
    public static final DatapathPins NONE = new DatapathPins(List.of());

    private final List<DatapathPin> pins;
    private final Map<DatapathId, List<DatapathPin>> byDpid;

    public DatapathPins(List<DatapathPin> pins) {
        this.pins = List.copyOf(pins);
        this.byDpid = this.pins.stream().collect(Collectors.groupingBy(DatapathPin::datapathId));
    }

    public List<DatapathPin> pins() {
        return pins;
    }

    public boolean isEmpty() {
        return pins.isEmpty();
    }

    /**
     * Why a connection may not claim {@code dpid} (a sentence for the log), or empty if it may.
     *
     * @param peer the certificate the switch presented over TLS; empty over plain TCP
     */
    public Optional<String> refusal(DatapathId dpid, Optional<X509Certificate> peer) {
        if (pins.isEmpty()) {
            return Optional.empty();
        }
        List<DatapathPin> own = byDpid.getOrDefault(dpid, List.of());
        if (peer.isEmpty()) {
            return own.isEmpty() ? Optional.empty()
                    : Optional.of("datapath id " + dpid + " is pinned to " + describe(own) + " and this is a plain TCP "
                    + "connection without a certificate");
        }
        Optional<String> cn = subjectCn(peer.get());
        String fp = fingerprint(peer.get());
        String presented = cn.map(c -> "CN=" + c).orElse("a certificate without CN") + " (sha256 "
                + DatapathPin.colons(fp) + ")";
        if (!own.isEmpty()) {
            return own.stream().anyMatch(p -> p.matches(cn, fp)) ? Optional.empty()
                    : Optional.of("datapath id " + dpid + " is pinned to " + describe(own) + ", not to " + presented);
        }
        List<DatapathId> elsewhere = pins.stream().filter(p -> p.matches(cn, fp)).map(DatapathPin::datapathId)
                .distinct().toList();
        return elsewhere.isEmpty() ? Optional.empty()
                : Optional.of(presented + " is pinned to datapath id " + elsewhere.stream().map(Object::toString)
                .collect(Collectors.joining(", ")) + ", not to " + dpid);
    }

    private static String describe(List<DatapathPin> ps) {
        return ps.stream().map(Object::toString).collect(Collectors.joining(" or "));
    }

    static Optional<String> subjectCn(X509Certificate c) {
        try {
            List<Rdn> rdns = new LdapName(c.getSubjectX500Principal().getName()).getRdns();
            for (int i = rdns.size() - 1; i >= 0; i--) { // the most specific CN
                if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
                    return Optional.of(String.valueOf(rdns.get(i).getValue()));
                }
            }
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    static String fingerprint(X509Certificate c) {
        try {
            return DatapathPin.hex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }
}
