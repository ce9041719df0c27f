"""Upload to the provincial information system (湖北省产品质量安全监督管理信息系统, Article 18 ¶1).

* :mod:`app.sync.mapping` — the wire contract (endpoints, headers, field names), in one place;
* :mod:`app.sync.gateway` — the online gateway (HTTP) and the folder export for upload by hand;
* :mod:`app.sync.credentials` — the account password in the OS keyring (never in plaintext);
* :mod:`app.sync.outbox` / :mod:`app.sync.worker` — the durable queue and the sender;
* :mod:`app.sync.sandbox` — a local stand-in for the provincial system, with injectable faults.
"""
