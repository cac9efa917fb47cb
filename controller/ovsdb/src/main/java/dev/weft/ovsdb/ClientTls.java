package dev.weft.ovsdb;

import dev.weft.core.tls.PemTls;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLException;

/** The client side of mutual TLS towards {@code ssl:} OVSDB servers (ovs-pki's PEM files). */
final class ClientTls {
    private ClientTls() {
    }

    static SslContext context(PemTls t) {
        try {
            // The server is who its CA-signed certificate says, as between Open vSwitch's own
            // daemons: ovs-pki certificates name no host or address, and Netty 4.2 clients would
            // check one by default (HTTPS endpoint identification).
            SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .endpointIdentificationAlgorithm(null)
                    .keyManager(t.certificate().toFile(), t.privateKey().toFile());
            t.caCertificate().ifPresent(ca -> b.trustManager(ca.toFile()));
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("ovsdb: cannot use the TLS key " + t.privateKey() + " with certificate "
                    + t.certificate() + ": " + NodeKeeper.rootMessage(e), e);
        }
    }
}
