package io.vswitch.openflow;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS contexts for {@code ssl:} (we connect, as a client) and {@code pssl:} (we accept, as a server), made from the
 * three files Open vSwitch's {@code set-ssl} takes. Both sides must present a certificate signed by the CA: the
 * controller channel carries the switch's whole configuration, so an unauthenticated peer is refused. Host names
 * are not checked (controllers are usually addressed by IP, and Open vSwitch does not check them either).
 */
record Tls(SslContext client, SslContext server) {
    static Tls load(Path privateKey, Path certificate, Path caCertificate) {
        for (Path p : new Path[]{privateKey, certificate, caCertificate}) {
            if (!Files.isReadable(p)) throw new IllegalArgumentException("TLS file " + p + " does not exist or is not readable");
        }
        try {
            SslContext client = SslContextBuilder.forClient()
                    .keyManager(certificate.toFile(), privateKey.toFile())
                    .trustManager(caCertificate.toFile())
                    .build();
            SslContext server = SslContextBuilder.forServer(certificate.toFile(), privateKey.toFile())
                    .trustManager(caCertificate.toFile())
                    .clientAuth(ClientAuth.REQUIRE)
                    .build();
            return new Tls(client, server);
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use TLS files (key " + privateKey + ", certificate " + certificate
                    + ", CA " + caCertificate + "): " + e.getMessage()
                    + " (the key must be PEM PKCS#8 or PKCS#1, the certificates PEM X.509)", e);
        }
    }
}
