"""The regulation's rules as pure functions (no Qt, no database, no file or network I/O).

《湖北省工业产品质量安全风险监测预警与处置管理暂行办法》:

* ``requirements`` — technical requirements (技术要求) as allowed sets, "stricter than";
* ``standards`` — standard codes (标准编号), their kind and the version current on a date;
* ``selection`` — the basis standard of each test item, Articles 16–17;
* ``calendar`` — working days (工作日) and the five-working-day deadline, Article 18 ¶1;
* ``notify`` — who is told of problems (告知), Article 18 ¶2;
* ``panel`` — expert panels (专家组), Article 5;
* ``risk`` — the proposed risk warning level (风险预警等级), Articles 19–20;
* ``uscc`` — the unified social credit code (统一社会信用代码), GB 32100-2015;
* ``commands`` — the JSON façade used by ``riskmon rules``.

Data files (the risk model, statutory holidays) are read by ``app.ruledata``, not here.
"""
