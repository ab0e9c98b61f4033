package dev.ferry.identity;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import dev.ferry.Roles;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Verifies the bearer token a request record carries, exactly as the REST API verifies its callers
 * (the same key, issuer and audience, the operator role), with one difference: expiry is judged at
 * the record's timestamp, so a record consumed late or redelivered after a crash still counts.
 */
@ApplicationScoped
public class RecordAuthenticator {

    /** The record header that carries {@code Bearer <token>}. */
    public static final String HEADER = "authorization";

    private static final Logger LOG = Logger.getLogger(RecordAuthenticator.class);
    private static final String BEARER = "Bearer ";

    private final JWTParser parser;
    private final JWTAuthContextInfo rest;
    private final IdentityConfig config;

    public RecordAuthenticator(JWTParser parser, JWTAuthContextInfo rest, IdentityConfig config) {
        this.parser = parser;
        this.rest = rest;
        this.config = config;
    }

    /** The requester behind a record, who must hold the operator role, or UNAUTHENTICATED naming what is wrong with its token. */
    public Requester verify(String authorization, Instant recordTime, Instant now) {
        return verify(authorization, recordTime, now, Roles.OPERATOR);
    }

    /** The same, for a record whose action needs {@code role} (an approval needs the approver's). */
    public Requester verify(String authorization, Instant recordTime, Instant now, String role) {
        if (!config.recordTokens()) {
            return Requester.UNVERIFIED;
        }
        if (authorization == null || authorization.isBlank()) {
            throw refused("The record carries no '" + HEADER + "' header with an operator's bearer token");
        }
        if (!authorization.startsWith(BEARER)) {
            throw refused("The record's '" + HEADER + "' header must be 'Bearer <token>'");
        }
        JWTAuthContextInfo atRecordTime = new JWTAuthContextInfo(rest);
        // Judging expiry at the record's time is judging it now with the record's age as extra skew.
        long age = recordTime == null ? 0 : Math.max(0, Duration.between(recordTime, now).toSeconds());
        atRecordTime.setClockSkew((int) Math.min(Integer.MAX_VALUE, age + config.recordTokenLeeway().toSeconds()));
        JsonWebToken token;
        try {
            token = parser.parse(authorization.substring(BEARER.length()).trim(), atRecordTime);
        } catch (ParseException e) {
            LOG.debugf("Record token refused: %s", e.getMessage());
            throw refused("The record's token is not valid (signature, issuer, audience or expiry)");
        }
        if (token.getGroups() == null || !token.getGroups().contains(role)) {
            throw refused("The record's token does not have the " + role + " role");
        }
        String name = token.getName() != null ? token.getName() : token.getSubject();
        if (name == null || name.isBlank()) {
            throw refused("The record's token names no subject");
        }
        return new Requester(name);
    }

    private static FerryException refused(String message) {
        return new FerryException(ErrorCode.UNAUTHENTICATED, message + ". Nothing was run.");
    }
}
