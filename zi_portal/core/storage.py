"""Storage configuration shared by the settings and the tests: one definition of how
the portal talks to an S3-compatible bucket."""

from __future__ import annotations


def s3_storage(
    *,
    bucket: str,
    endpoint_url: str | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
    region_name: str | None = None,
    querystring_expire: int = 300,
) -> dict:
    """The ``STORAGES["default"]`` entry for a private S3-compatible bucket (MinIO)."""
    # boto3 is loaded only when an S3 bucket is configured (the settings call this).
    from boto3.s3.transfer import TransferConfig

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "region_name": region_name or None,
            # Never overwrite an object and never hand out guessable public URLs.
            "file_overwrite": False,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": querystring_expire,
            "signature_version": "s3v4",
            # Keep a 50 MB upload or download out of the worker's memory (measured in
            # bench/upload_memory.py): upload in the request thread, part by part, and
            # spool downloads to a temporary file past 1 MiB.
            "transfer_config": TransferConfig(use_threads=False),
            "max_memory_size": 1024 * 1024,
        },
    }
