#!/bin/sh
# One-shot bucket setup for docker-compose.yml, run in the minio/mc image.
# Waits (bounded) for MinIO, creates the bucket if it is missing and keeps it private:
# the portal hands out short-lived signed URLs only (querystring_auth in settings).
set -eu

: "${MINIO_URL:?}" "${MINIO_ROOT_USER:?}" "${MINIO_ROOT_PASSWORD:?}" "${MINIO_BUCKET:?}"

tries=0
until mc alias set local "$MINIO_URL" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null 2>&1 \
    && mc ls local >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then
        echo "minio-init: MinIO at $MINIO_URL did not answer within 120 s" >&2
        exit 1
    fi
    sleep 2
done

mc mb --ignore-existing "local/$MINIO_BUCKET"
mc anonymous set none "local/$MINIO_BUCKET"
echo "minio-init: bucket $MINIO_BUCKET ready"
