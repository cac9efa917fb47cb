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
            SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .keyManager(t.certificate().toFile(), t.privateKey().toFile());
            t.caCertificate().ifPresent(ca -> b.trustManager(ca.toFile()));
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("ovsdb: cannot use the TLS key " + t.privateKey() + " with certificate "
                    + t.certificate() + ": " + NodeKeeper.rootMessage(e), e);
        }
    }
}
