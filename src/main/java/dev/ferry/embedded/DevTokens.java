package dev.ferry.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.jwt.Claims;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * Dev and test only: an RSA key pair kept under the embedded servers' folder, and RS256 bearer tokens
 * signed with it, so the role-protected API can be tried without an identity provider. Production
 * verifies tokens with the public key of the real issuer (see README, "Security").
 */
public final class DevTokens {

    public static final String ISSUER = "https://ferry.dev/dev-issuer";
    /** The audience dev and test tokens are minted for, and what dev mode and tests require. */
    public static final String AUDIENCE = "ferry";

    private final KeyPair keys;

    private DevTokens(KeyPair keys) {
        this.keys = keys;
    }

    /** The key pair stored in {@code folder}, created on first use. */
    public static DevTokens in(Path folder) {
        try {
            Path privateFile = folder.resolve("jwt-private.der");
            Path publicFile = folder.resolve("jwt-public.der");
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            if (Files.exists(privateFile) && Files.exists(publicFile)) {
                return new DevTokens(new KeyPair(rsa.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(publicFile))),
                        rsa.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(privateFile)))));
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Files.createDirectories(folder);
            Files.write(privateFile, pair.getPrivate().getEncoded());
            Files.write(publicFile, pair.getPublic().getEncoded());
            return new DevTokens(pair);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot prepare the dev token keys: " + e.getMessage(), e);
        }
    }

    /** The public key as MicroProfile JWT's {@code mp.jwt.verify.publickey} takes it. */
    public String publicKey() {
        PublicKey key = keys.getPublic();
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** A token for {@code user} with these roles (the {@code groups} claim), for Ferry's audience. */
    public String token(String user, List<String> roles, Duration validFor) {
        return token(user, roles, validFor, AUDIENCE);
    }

    /** A token minted for another audience (a test of audience checks); {@code null} leaves {@code aud} out. */
    public String token(String user, List<String> roles, Duration validFor, String audience) {
        Instant now = Instant.now();
        JwtClaimsBuilder claims = Jwt.issuer(ISSUER).subject(user).upn(user).groups(new LinkedHashSet<>(roles)).issuedAt(now)
                .expiresAt(now.plus(validFor)).claim(Claims.jti.name(), UUID.randomUUID().toString());
        if (audience != null) {
            claims.audience(audience);
        }
        return claims.jws().algorithm(SignatureAlgorithm.RS256).sign(keys.getPrivate());
    }
}
