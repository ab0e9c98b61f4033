package dev.ferry.request;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import dev.ferry.EmailMask;
import dev.ferry.KeysetCursor;
import dev.ferry.RequestStatus;
import dev.ferry.Roles;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/** Submit requests and read the ledger. */
@Path("/api/requests")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ Roles.VIEWER, Roles.OPERATOR })
@SecurityRequirement(name = "bearer")
public class RequestResource {

    private final RequestSubmitter submitter;

    private final SecurityIdentity caller;

    private final RequestLedger requests;
    private final EventStreams streams;
    private final EventsConfig eventsConfig;
    private final RequestWaiter waiter;

    public RequestResource(RequestSubmitter submitter, SecurityIdentity caller, RequestLedger requests,
            EventStreams streams, EventsConfig eventsConfig, RequestWaiter waiter) {
        this.waiter = waiter;
        this.submitter = submitter;
        this.caller = caller;
        this.requests = requests;
        this.streams = streams;
        this.eventsConfig = eventsConfig;
    }

    /** Viewers see every email address masked; operators see them whole. */
    private boolean masked() {
        return !caller.hasRole(Roles.OPERATOR);
    }

    private RequestView asSeenByCaller(RequestView view) {
        return masked() ? view.masked() : view;
    }

    @GET
    @Path("/{requestId}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Server-sent events of a request", description = "'progress' events (JSON) while it runs, then one 'result'"
            + " event with the MigrationResult, then the stream ends.")
    @APIResponse(responseCode = "404", description = "REQUEST_NOT_FOUND: no such request reached the ledger in time (problem+json)")
    @APIResponse(responseCode = "429", description = "TOO_MANY_STREAMS: the caller's or the instance's streams are all open (problem+json)")
    @io.smallrye.common.annotation.Blocking
    public Multi<OutboundSseEvent> events(@PathParam("requestId") String requestId, @Context Sse sse) {
        if (!RequestValidator.isValidRequestId(requestId)) {
            throw FerryException.badParameter("requestId", RequestValidator.REQUEST_ID_FORMAT);
        }
        // A stream for an id that never comes would poll the ledger for hours: wait briefly (a pipeline
        // opens it right after POST), then refuse.
        if (waiter.untilInLedger(requestId, eventsConfig.waitForRequest()).await().indefinitely() == null) {
            throw notFound(requestId);
        }
        EventStreams.Permit permit = streams.open(caller.getPrincipal().getName());
        boolean mask = masked();
        AtomicReference<String> lastProgress = new AtomicReference<>();
        AtomicBoolean finished = new AtomicBoolean();
        return Multi.createFrom().ticks().startingAfter(Duration.ofMillis(1)).every(Duration.ofMillis(500))
                .select().first(eventsConfig.maxDuration())
                .select().first(tick -> !finished.get())
                .onItem().transformToUniAndConcatenate(tick -> requests.poll(requestId))
                .onItem().transformToIterable(row -> {
                    List<OutboundSseEvent> events = new ArrayList<>(2);
                    if (row == null) {
                        return events;
                    }
                    String progress = row.progress();
                    if (progress != null && !progress.equals(lastProgress.getAndSet(progress))) {
                        events.add(sse.newEventBuilder().name("progress").data(mask ? EmailMask.maskAll(progress) : progress)
                                .mediaType(MediaType.TEXT_PLAIN_TYPE).build());
                    }
                    if (row.status().isFinal() && row.resultJson() != null) {
                        events.add(sse.newEventBuilder().name("result")
                                .data(mask ? EmailMask.maskAll(row.resultJson()) : row.resultJson())
                                .mediaType(MediaType.TEXT_PLAIN_TYPE).build());
                        finished.set(true);
                    }
                    return events;
                })
                .onTermination().invoke(permit::close);
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a migration request", description = "Validates the request and publishes it to"
            + " migration-requests keyed by target. The result appears at the returned location once Ferry has run it.")
    @APIResponse(responseCode = "200", description = "With wait: the request finished within it; the body is its ledger entry with the"
            + " result, as GET answers")
    @APIResponse(responseCode = "202", description = "Published; see Location (with wait: not final within it)")
    @APIResponse(responseCode = "400", description = "INVALID_REQUEST or UNKNOWN_TARGET (problem+json)")
    @APIResponse(responseCode = "503", description = "PUBLISH_FAILED: the broker did not acknowledge (problem+json)")
    @APIResponse(responseCode = "401", description = "UNAUTHENTICATED (problem+json)")
    @APIResponse(responseCode = "403", description = "FORBIDDEN: needs the operator role (problem+json)")
    public Uni<Response> submit(MigrationRequest request,
            @Parameter(description = "Seconds (0-60) to wait for the result before answering 202") @QueryParam("wait") String wait) {
        if (request == null) {
            throw FerryException.bodyRequired();
        }
        Duration waitFor = RequestWaiter.parse(wait);
        return submitter.submit(request).flatMap(submitted -> {
            Response accepted = Response.accepted(submitted).location(URI.create(submitted.location())).build();
            if (waitFor.isZero()) {
                return Uni.createFrom().item(accepted);
            }
            return waiter.untilFinal(submitted.requestId(), waitFor, caller.getPrincipal().getName())
                    .map(row -> row == null || !row.status().isFinal() ? accepted
                            : Response.ok(asSeenByCaller(RequestView.of(row, true))).location(URI.create(submitted.location())).build());
        });
    }

    @GET
    @Path("/{requestId}")
    @Operation(summary = "A request's status and, once finished, its result", description = "With wait, answers as soon as the request"
            + " is final, or with its current state when the wait ends; a waiting call counts as one of the caller's event streams.")
    @APIResponse(responseCode = "200", description = "The ledger entry")
    @APIResponse(responseCode = "404", description = "REQUEST_NOT_FOUND: not received yet, or never sent (problem+json)")
    @APIResponse(responseCode = "429", description = "TOO_MANY_STREAMS: with wait, the caller's or the instance's streams are all open"
            + " (problem+json)")
    public Uni<RequestView> get(@PathParam("requestId") String requestId,
            @Parameter(description = "Seconds (0-60) to wait for the request to be final") @QueryParam("wait") String wait) {
        Duration waitFor = RequestWaiter.parse(wait);
        Uni<LedgerRecord> row = waitFor.isZero() ? requests.entry(requestId)
                : waiter.untilFinal(requestId, waitFor, caller.getPrincipal().getName());
        return row.onItem().ifNull().failWith(() -> notFound(requestId)).map(entry -> asSeenByCaller(RequestView.of(entry, true)));
    }

    private static FerryException notFound(String requestId) {
        return new FerryException(ErrorCode.REQUEST_NOT_FOUND, "No request '" + requestId + "' has been received (yet)");
    }

    @GET
    @Operation(summary = "Requests, newest first", description = "Keyset pagination: pass nextCursor as 'after'.")
    @APIResponse(responseCode = "200", description = "A page of requests")
    @APIResponse(responseCode = "400", description = "INVALID_REQUEST naming the bad parameter (problem+json)")
    public Uni<RequestPage> list(
            @Parameter(description = "Only this target") @QueryParam("target") String target,
            @Parameter(description = "RUNNING, SUCCEEDED, FAILED, REJECTED or AWAITING_APPROVAL") @QueryParam("status") String status,
            @Parameter(description = "Only this action, e.g. migrate") @QueryParam("action") String action,
            @Parameter(description = "Page size, 1-500") @QueryParam("limit") @DefaultValue("50") int limit,
            @Parameter(description = "Cursor from the previous page's nextCursor") @QueryParam("after") String after) {
        return page(target, status, action, limit, after, masked());
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "The first page of requests, live", description = "With Accept: text/event-stream: a 'requests' event"
            + " (JSON, as GET answers) at once and again whenever the page changes, checked every second, until"
            + " ferry.events.max-duration. Counts as one of the caller's event streams.")
    @APIResponse(responseCode = "429", description = "TOO_MANY_STREAMS (problem+json)")
    public Multi<OutboundSseEvent> live(@QueryParam("target") String target, @QueryParam("status") String status,
            @QueryParam("action") String action, @QueryParam("limit") @DefaultValue("50") int limit, @Context Sse sse) {
        // Who the caller is, once: the stream outlives the request's context.
        boolean mask = masked();
        page(target, status, action, limit, null, mask); // refuses bad parameters before the stream opens
        EventStreams.Permit permit = streams.open(caller.getPrincipal().getName());
        AtomicReference<RequestPage> last = new AtomicReference<>();
        return Multi.createFrom().ticks().startingAfter(Duration.ofMillis(1)).every(Duration.ofSeconds(1))
                .select().first(eventsConfig.maxDuration())
                .onItem().transformToUniAndConcatenate(tick -> page(target, status, action, limit, null, mask))
                .select().where(page -> !page.equals(last.getAndSet(page)))
                .map(page -> sse.newEventBuilder().name("requests").data(RequestPage.class, page).mediaType(MediaType.APPLICATION_JSON_TYPE)
                        .build())
                .onTermination().invoke(permit::close);
    }

    /** A page of the ledger; {@code mask}: as a viewer sees it. */
    private Uni<RequestPage> page(String target, String status, String action, int limit, String after, boolean mask) {
        KeysetCursor.checkPageSize(limit);
        Action onlyAction = action == null ? null
                : Action.fromWire(action).orElseThrow(() -> FerryException.badParameter("action", "unknown action '" + action + "'"));
        return requests.page(target, status == null ? null : parseStatus(status), onlyAction, after == null ? null : KeysetCursor.decode(after),
                limit).map(entries -> {
                    List<RequestView> items = new ArrayList<>(entries.size());
                    entries.forEach(e -> items.add(mask ? RequestView.of(e, false).masked() : RequestView.of(e, false)));
                    String next = entries.size() < limit ? null : RequestLedger.cursorAfter(entries.get(entries.size() - 1)).encode();
                    return new RequestPage(items, next);
                });
    }

    private static RequestStatus parseStatus(String status) {
        try {
            return RequestStatus.valueOf(status);
        } catch (IllegalArgumentException e) {
            throw FerryException.badParameter("status", "must be one of RUNNING, SUCCEEDED, FAILED, REJECTED, AWAITING_APPROVAL");
        }
    }
}
