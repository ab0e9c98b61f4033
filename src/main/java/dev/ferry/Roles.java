package dev.ferry;

import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * The API's roles, from the bearer token's {@code groups} claim: {@code viewer} reads (emails
 * masked), {@code operator} also submits requests, resolves and retries audit rows, {@code approver}
 * decides requests that wait for approval.
 */
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
public final class Roles {

    public static final String VIEWER = "viewer";
    public static final String OPERATOR = "operator";
    /** Approves or denies requests that wait for a second person; never their own. */
    public static final String APPROVER = "approver";

    private Roles() {
    }
}
