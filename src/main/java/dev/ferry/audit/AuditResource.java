package dev.ferry.audit;

import java.net.URI;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.jboss.resteasy.reactive.RestMulti;

import dev.ferry.BooleanParameter;
import dev.ferry.KeysetCursor;
import dev.ferry.Roles;
import dev.ferry.backfill.AuditStatus;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;
import dev.ferry.request.MigrationRequest;
import dev.ferry.request.RequestLedger;
import dev.ferry.request.RequestSubmitter;

/**
 * The platform team's view of {@code user_authid_backfill_audit}: list, summary, one row, CSV export
 * (viewer and operator; viewers see masked emails), and resolve and retry (operator).
 */
@Path("/api/audit/user-authid")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.VIEWER, Roles.OPERATOR })
@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "401", description = "UNAUTHENTICATED (problem+json)")
@APIResponse(responseCode = "403", description = "FORBIDDEN (problem+json)")
public class AuditResource {

    private final AuditRepository audit;
    private final RequestSubmitter submitter;
    private final SecurityIdentity identity;
    private final String auditTarget;
    private final RetentionJob retention;
    private final RequestLedger ledger;

    public AuditResource(AuditRepository audit, RequestSubmitter submitter, SecurityIdentity identity,
            AuditConfig config, RetentionJob retention, RequestLedger ledger) {
        this.retention = retention;
        this.ledger = ledger;
        this.audit = audit;
        this.submitter = submitter;
        this.identity = identity;
        this.auditTarget = config.target();
    }

    /** A page of rows and the cursor of the next page (also in the Link header). */
    @RegisterForReflection
    public record AuditPage(List<AuditRow> items, String nextCursor) {
    }

    /** PATCH body: mark a failed row resolved, with a note. */
    @RegisterForReflection
    public record Resolution(String resolutionStatus, String note) {

        /** The longest note the audit table keeps. */
        static final int MAX_NOTE = 2000;

        Resolution checked() {
            if (!AuditStatus.RESOLVED.is(resolutionStatus)) {
                throw FerryException.badField("resolutionStatus", "only 'resolved' can be set");
            }
            if (note == null || note.isBlank()) {
                throw FerryException.badField("note", "must not be blank");
            }
            if (note.length() > MAX_NOTE) {
                throw FerryException.badField("note", "must be at most " + MAX_NOTE + " characters");
            }
            return this;
        }
    }

    @GET
    @Operation(summary = "Audit rows, newest first", description = "Keyset pagination: pass nextCursor as 'after'. Viewers see masked emails.")
    @APIResponse(responseCode = "200", description = "A page; Link: <...>; rel=\"next\" when there is more")
    @APIResponse(responseCode = "400", description = "INVALID_REQUEST naming the bad parameter (problem+json)")
    public Uni<Response> list(
            @Parameter(description = "success, failed or resolved; repeatable") @QueryParam("status") List<String> status,
            @Parameter(description = "missing, duplicate or error") @QueryParam("reason") String reason,
            @Parameter(description = "the backfill's requestId") @QueryParam("runId") String runId,
            @Parameter(description = "emails starting with this (operators only)") @QueryParam("emailPrefix") String emailPrefix,
            @Parameter(description = "attempted at or after (ISO date or instant)") @QueryParam("from") String from,
            @Parameter(description = "attempted before (ISO date or instant)") @QueryParam("to") String to,
            @Parameter(description = "only rows still failed: true or false") @QueryParam("unresolvedOnly") String unresolvedOnly,
            @Parameter(description = "page size, 1-500") @QueryParam("limit") @DefaultValue("50") int limit,
            @Parameter(description = "cursor from the previous page") @QueryParam("after") String after,
            @jakarta.ws.rs.core.Context UriInfo uri) {
        KeysetCursor.checkPageSize(limit);
        refuseEmailFilterToViewers(emailPrefix);
        AuditFilter filter = AuditFilter.parse(status, reason, runId, emailPrefix, from, to,
                BooleanParameter.parse("unresolvedOnly", unresolvedOnly, false));
        KeysetCursor cursor = after == null ? null : KeysetCursor.decode(after);
        boolean mask = !identity.hasRole(Roles.OPERATOR);
        return audit.page(filter, cursor, limit).map(rows -> {
            AuditRow last = rows.isEmpty() ? null : rows.get(rows.size() - 1);
            String next = rows.size() < limit ? null
                    : new KeysetCursor(LocalDateTime.ofInstant(last.attemptedAt(), ZoneOffset.UTC), String.valueOf(last.id())).encode();
            List<AuditRow> items = mask ? rows.stream().map(AuditRow::masked).toList() : rows;
            Response.ResponseBuilder response = Response.ok(new AuditPage(items, next));
            if (next != null) {
                response.link(uri.getRequestUriBuilder().replaceQueryParam("after", next).build(), "next");
            }
            return response.build();
        });
    }

    @GET
    @Path("/summary")
    @Operation(summary = "Counts by status and reason, overall and for the latest runs; oldest unresolved; last attempt")
    public Uni<AuditSummary> summary() {
        return audit.summary();
    }

    @GET
    @Path("/export.csv")
    @Produces("text/csv")
    @Operation(summary = "The filtered rows as RFC 4180 CSV, streamed", description = "Same filters as the list. Formula-like cells are"
            + " prefixed with a quote. Viewers get masked emails.")
    public RestMulti<String> export(@QueryParam("status") List<String> status, @QueryParam("reason") String reason,
            @QueryParam("runId") String runId, @QueryParam("emailPrefix") String emailPrefix, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("unresolvedOnly") String unresolvedOnly) {
        refuseEmailFilterToViewers(emailPrefix);
        AuditFilter filter = AuditFilter.parse(status, reason, runId, emailPrefix, from, to,
                BooleanParameter.parse("unresolvedOnly", unresolvedOnly, false));
        boolean mask = !identity.hasRole(Roles.OPERATOR);
        Multi<String> body = Multi.createBy().concatenating().streams(
                Multi.createFrom().item(AuditCsv.HEADER),
                audit.stream(filter).map(row -> mask ? row.masked() : row).group().intoLists().of(500).map(AuditCsv::lines));
        return RestMulti.fromMultiData(body)
                .header("Content-Disposition", "attachment; filename=\"user-authid-audit-" + LocalDate.now(ZoneOffset.UTC) + ".csv\"")
                .build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One audit row, with its ETag for PATCH")
    @APIResponse(responseCode = "404", description = "AUDIT_NOT_FOUND (problem+json)")
    public Uni<Response> get(@PathParam("id") long id) {
        boolean mask = !identity.hasRole(Roles.OPERATOR);
        return audit.existing(id).map(row -> Response.ok(mask ? row.masked() : row).tag(row.etag().replace("\"", "")).build());
    }

    @PATCH
    @Path("/{id}")
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Mark a failed row resolved", description = "Needs If-Match with the row's ETag. resolved_by comes from the"
            + " token, resolved_at from the server.")
    @APIResponse(responseCode = "200", description = "The resolved row")
    @APIResponse(responseCode = "409", description = "NOT_RESOLVABLE: the row is not failed (problem+json)")
    @APIResponse(responseCode = "412", description = "VERSION_CONFLICT: changed since read (problem+json)")
    @APIResponse(responseCode = "428", description = "PRECONDITION_REQUIRED: no If-Match (problem+json)")
    public Uni<Response> resolve(@PathParam("id") long id, @HeaderParam("If-Match") String ifMatch,
            Resolution resolution) {
        if (resolution == null) {
            throw FerryException.bodyRequired();
        }
        String note = resolution.checked().note();
        int version = version(ifMatch);
        String by = identity.getPrincipal().getName();
        return audit.existing(id).flatMap(row -> {
            if (!AuditStatus.FAILED.is(row.resolutionStatus())) {
                throw new FerryException(ErrorCode.NOT_RESOLVABLE, "Row " + id + " is '" + row.resolutionStatus()
                        + "'; only failed rows can be resolved");
            }
            return audit.resolve(id, version, by, note);
        }).flatMap(done -> {
            if (!done) {
                throw new FerryException(ErrorCode.VERSION_CONFLICT, "Row " + id + " changed since version " + version
                        + "; read it again");
            }
            return audit.existing(id);
        }).map(row -> Response.ok(row).tag(row.etag().replace("\"", "")).build());
    }

    @POST
    @Path("/{id}/retry")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Run the backfill again for this row's user", description = "Submits a backfill request for that one user"
            + " through the normal request path; answers with its location.")
    @APIResponse(responseCode = "202", description = "Submitted; see Location")
    @APIResponse(responseCode = "409", description = "NOT_RETRYABLE: the row is not failed, or a retry of it is still running"
            + " (problem+json)")
    public Uni<Response> retry(@PathParam("id") long id) {
        String by = identity.getPrincipal().getName();
        // Retries of a row are numbered (retry-<id>-<n>): two POSTs that race before the first is recorded
        // send the same requestId, which the ledger runs once.
        String prefix = "retry-" + id + "-";
        return audit.existing(id).flatMap(row -> {
            if (!AuditStatus.FAILED.is(row.resolutionStatus())) {
                throw new FerryException(ErrorCode.NOT_RETRYABLE, "Row " + id + " is '" + row.resolutionStatus()
                        + "'; only failed rows can be retried");
            }
            return ledger.countByPrefix(prefix).map(retries -> {
                if (retries.running() > 0) {
                    throw new FerryException(ErrorCode.NOT_RETRYABLE, "A retry of row " + id + " is still running");
                }
                return retries.all();
            })
                    .flatMap(retries -> submitter.submit(new MigrationRequest(prefix + (retries + 1), "backfill", auditTarget, null, null,
                            false, false, Map.of("job", "user-authid", "userIds", List.of(row.userId())), by, "retry of audit row " + id)));
        }).map(submitted -> Response.accepted(submitted).location(URI.create(submitted.location())).build());
    }

    @POST
    @Path("/retention")
    @RolesAllowed(Roles.OPERATOR)
    @io.smallrye.common.annotation.Blocking
    @Operation(summary = "Run the audit retention now", description = "dryRun=true (the default) only counts what would move."
            + " policy (archive-table, archive-csv, drop) and includeUnresolved override the configuration for this run.")
    @APIResponse(responseCode = "200", description = "What was (or would be) moved")
    @APIResponse(responseCode = "428", description = "PRECONDITION_REQUIRED: a run that drops rows or deletes unresolved ones needs"
            + " expectRows (problem+json)")
    @APIResponse(responseCode = "409", description = "LOCK_TIMEOUT: another retention run is in progress; ROW_COUNT_MISMATCH: expectRows"
            + " is not what the run would touch; ARCHIVE_MISMATCH: the archive holds a row differently (problem+json)")
    public RetentionReport retention(@QueryParam("dryRun") String dryRun, @QueryParam("policy") String policy,
            @QueryParam("includeUnresolved") String includeUnresolved,
            @Parameter(description = "the row count a dry run reported; required by a real run with policy=drop or"
                    + " includeUnresolved=true") @QueryParam("expectRows") Long expectRows) {
        return retention.run(BooleanParameter.parse("dryRun", dryRun, true), policy,
                BooleanParameter.parseOptional("includeUnresolved", includeUnresolved), java.util.Optional.ofNullable(expectRows), true);
    }

    /**
     * A viewer sees masked emails; a filter on the whole address would unmask them one character at a
     * time (about 80 calls per address), so filtering by email is for operators.
     */
    private void refuseEmailFilterToViewers(String emailPrefix) {
        if (emailPrefix != null && !identity.hasRole(Roles.OPERATOR)) {
            throw new FerryException(ErrorCode.FORBIDDEN, "Filtering by email needs the operator role: viewers see emails masked");
        }
    }

    private static int version(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            throw new FerryException(ErrorCode.PRECONDITION_REQUIRED, "Send If-Match with the ETag from GET /api/audit/user-authid/{id}");
        }
        try {
            return Integer.parseInt(ifMatch.replace("W/", "").replace("\"", "").trim());
        } catch (NumberFormatException e) {
            throw FerryException.badParameter("If-Match", "not an ETag of this API");
        }
    }
}
