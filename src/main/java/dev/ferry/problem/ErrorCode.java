package dev.ferry.problem;

import dev.ferry.RequestStatus;

/**
 * The stable error codes of results and problem responses (README, "Error codes"). Codes are never
 * renamed; new ones are appended.
 */
public enum ErrorCode {
    INVALID_REQUEST(400, RequestStatus.REJECTED, "The request is malformed or violates the contract"),
    UNKNOWN_TARGET(400, RequestStatus.REJECTED, "The target is not configured"),
    LINT_BLOCKED(409, RequestStatus.REJECTED, "A script contains a destructive statement"),
    UNDO_MISSING(409, RequestStatus.REJECTED, "An undo script in the revert chain is missing"),
    NOT_VALIDATED(409, RequestStatus.REJECTED, "A script has not passed sandbox validation"),
    LOCK_TIMEOUT(409, RequestStatus.REJECTED, "Another change holds the target's lock"),
    NEEDS_REPAIR(409, RequestStatus.REJECTED, "The target's history has a failed migration; run repair"),
    HISTORY_MISMATCH(409, RequestStatus.REJECTED, "The target's history does not match the scripts (checksum, missing version)"),
    MIGRATION_FAILED(500, RequestStatus.FAILED, "A script failed while running"),
    VALIDATION_FAILED(500, RequestStatus.FAILED, "The sandbox run did not match the reference data"),
    INTERRUPTED(500, RequestStatus.FAILED, "Ferry stopped while the request was running"),
    TARGET_UNAVAILABLE(503, RequestStatus.FAILED, "The target database could not be reached"),
    KRATOS_UNAVAILABLE(503, RequestStatus.FAILED, "Kratos could not be reached after every retry"),
    REQUEST_NOT_FOUND(404, null, "No request with that id has been received"),
    TARGET_NOT_FOUND(404, null, "No target with that name is configured"),
    PUBLISH_FAILED(503, null, "The broker did not acknowledge the request"),
    NOT_FOUND(404, null, "No such resource"),
    AUDIT_NOT_FOUND(404, null, "No audit row with that id"),
    NOT_RESOLVABLE(409, null, "Only a failed audit row can be resolved"),
    VERSION_CONFLICT(412, null, "The row changed since it was read; read it again"),
    PRECONDITION_REQUIRED(428, null, "Send If-Match with the row's ETag"),
    /** Over REST a 401; for a Kafka record without a valid operator token, a REJECTED result. */
    UNAUTHENTICATED(401, RequestStatus.REJECTED, "A valid bearer token is required"),
    FORBIDDEN(403, null, "The token's roles do not allow this"),
    METHOD_NOT_ALLOWED(405, null, "The resource does not support that method"),
    NOT_ACCEPTABLE(406, null, "The resource cannot answer in the requested media type"),
    UNSUPPORTED_MEDIA_TYPE(415, null, "The body's media type is not supported"),
    INTERNAL_ERROR(500, RequestStatus.FAILED, "An unexpected error; the log has the details"),
    IDEMPOTENCY_CONFLICT(409, RequestStatus.REJECTED, "The requestId was already used for a different request"),
    ROW_COUNT_MISMATCH(409, null, "The rows a destructive run would touch are not the count the caller named"),
    ARCHIVE_MISMATCH(409, RequestStatus.FAILED, "An archived copy differs from its row; nothing of that batch was deleted"),
    NOT_RETRYABLE(409, null, "Only a failed audit row without a retry in flight can be retried"),
    TOO_MANY_STREAMS(429, null, "Too many event streams are open; close one or try again later"),
    DDL_LOCK_TIMEOUT(503, RequestStatus.FAILED, "A statement did not get its table's metadata lock within the retries"),
    TABLE_COPY_REQUIRED(409, RequestStatus.REJECTED, "A statement would copy a large table and no online schema-change tool is enabled"),
    SCHEMA_DRIFT(409, RequestStatus.REJECTED, "The live schema differs from what the target's history produces"),
    /** REJECTED when a check before a script found rows; FAILED when one after it did (the script ran). */
    CHECK_FAILED(409, RequestStatus.REJECTED, "A script's -- ferry:check assertion found rows"),
    DENIED(409, RequestStatus.REJECTED, "An approver denied the request"),
    APPROVAL_EXPIRED(409, RequestStatus.REJECTED, "No approver decided within approval.expire-after"),
    NOT_AWAITING_APPROVAL(409, RequestStatus.REJECTED, "The request is not waiting for approval (it was decided, or never needed one)"),
    UNKNOWN_GROUP(400, RequestStatus.REJECTED, "The target group is not configured"),
    ROLLOUT_HALTED(500, RequestStatus.FAILED, "The rollout halted: its canary failed, or its failures passed the failure budget"),
    ROLLOUT_ABORTED(500, RequestStatus.FAILED, "An operator aborted the rollout; targets not started were left untouched"),
    ROLLOUT_TARGETS_FAILED(500, RequestStatus.FAILED, "The rollout covered every target, and some failed within the failure budget"),
    ROLLOUT_NOT_FOUND(404, null, "No rollout with that id"),
    ROLLOUT_STATE_CONFLICT(409, null, "The rollout is not in a state that allows this (pause a running one, resume a paused one)");

    private final int httpStatus;
    private final RequestStatus resultStatus;
    private final String title;

    ErrorCode(int httpStatus, RequestStatus resultStatus, String title) {
        this.httpStatus = httpStatus;
        this.resultStatus = resultStatus;
        this.title = title;
    }

    /** HTTP status when the code answers a REST call. */
    public int httpStatus() {
        return httpStatus;
    }

    /** REJECTED (refused before any change) or FAILED (ran and failed) when the code ends a request. */
    public RequestStatus resultStatus() {
        return resultStatus;
    }

    public String title() {
        return title;
    }
}
