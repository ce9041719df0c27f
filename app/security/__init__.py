"""The lab's key: certificates, PAdES signatures of issued documents, signed manifests and the
verification payload printed as a QR code. Pure cryptography over bytes — no database, no Qt;
the services keep the key (``app.services.labkey``) and decide when to sign."""
