#!/bin/sh
# For pipelines that publish to Kafka themselves: the request goes to migration-requests keyed by
# its target, with the pipeline's bearer token in the record's "authorization" header (Ferry verifies
# it like a REST token and takes the requester from it, never from the body). Then ferry-cli waits
# for the result over REST. Needs kcat, and FERRY_TOKEN, KAFKA_BOOTSTRAP, FERRY_URL, RELEASE, TARGET.
set -eu
id="rel-${RELEASE}-${TARGET}"
printf '%s|{"requestId":"%s","action":"migrate","target":"%s","reason":"release %s"}\n' "$TARGET" "$id" "$TARGET" "$RELEASE" \
  | kcat -P -b "$KAFKA_BOOTSTRAP" -t migration-requests -K '|' -H "authorization=Bearer ${FERRY_TOKEN}"
exec ferry-cli wait "$id" --wait 30m
