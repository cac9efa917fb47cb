package dev.weft.core.config;

import java.util.List;

/**
 * {@code controller: tls:}: the keys for {@code ssl:} listeners, PEM files as {@code ovs-pki}
 * makes them, and optional datapath-id pins.
 *
 * @param privateKey    the controller's private key
 * @param certificate   the controller's certificate
 * @param caCertificate the CA that signs the switches' certificates (switches without one are refused)
 * @param pins          which certificate may claim which datapath id
 */
public record TlsSection(String privateKey, String certificate, String caCertificate, List<Pin> pins) {

    /** One pin: a datapath id and the certificate (by subject CN or by SHA-256 fingerprint) that may claim it. */
    public record Pin(String datapathId, String subjectCn, String sha256) {
    }
}
