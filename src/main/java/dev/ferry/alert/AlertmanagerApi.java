package dev.ferry.alert;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;

/** Alertmanager's alert intake (a Quarkus REST Client, built for the configured URL by {@link AlertmanagerWebhook}). */
@Path("/api/v2/alerts")
public interface AlertmanagerApi {

    /** Posts alerts; every status is answered as a Response, judged by the caller. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<Response> post(List<Map<String, Object>> alerts);
}
