<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
  <context>
    <name>AboutDialog</name>
    <message>
      <source>About Riskmon</source>
      <translation>关于 Riskmon</translation>
    </message>
    <message>
      <source>Workstation for industrial product quality safety risk monitoring</source>
      <translation>工业产品质量安全风险监测工作站</translation>
    </message>
    <message>
      <source>Version</source>
      <translation>版本</translation>
    </message>
    <message>
      <source>Licence</source>
      <translation>许可</translation>
    </message>
    <message>
      <source>Proprietary software (%1)</source>
      <translation>专有软件（%1）</translation>
    </message>
    <message>
      <source>Laboratory</source>
      <translation>检验检测机构</translation>
    </message>
    <message>
      <source>(not set)</source>
      <translation>（未填写）</translation>
    </message>
    <message>
      <source>Data folder</source>
      <translation>数据目录</translation>
    </message>
    <message>
      <source>Database</source>
      <translation>数据库</translation>
    </message>
    <message>
      <source>Log file</source>
      <translation>日志文件</translation>
    </message>
    <message>
      <source>(no log file)</source>
      <translation>（无日志文件）</translation>
    </message>
    <message>
      <source>Included components and their licences: %1</source>
      <translation>所含第三方组件及其许可：%1</translation>
    </message>
    <message>
      <source>Open data folder</source>
      <translation>打开数据目录</translation>
    </message>
  </context>
  <context>
    <name>App</name>
    <message>
      <source>An unexpected error occurred. The details were written to the log file:</source>
      <translation>程序出现意外错误，详细信息已写入日志文件：</translation>
    </message>
    <message>
      <source>Error</source>
      <translation>错误</translation>
    </message>
    <message>
      <source>Riskmon</source>
      <extracomment>the daily audit checkpoint starts this long after the main window is shown (not during start-up) what start-up needs below the GUI (SQLAlchemy, the models, the services of sign-in and of the first page), imported before PySide6: once PySide6 is imported, its import hook reads the source of each newly imported module (to look for ``__feature__``), a quarter of a second over these alone</extracomment>
      <translation>Riskmon 风险监测工作站</translation>
    </message>
  </context>
  <context>
    <name>AttachmentsBox</name>
    <message>
      <source>Photos and attachments</source>
      <translation>照片与附件</translation>
    </message>
    <message>
      <source>Photo</source>
      <translation>照片</translation>
    </message>
    <message>
      <source>Unpacking record</source>
      <translation>拆封记录</translation>
    </message>
    <message>
      <source>Other</source>
      <translation>其他</translation>
    </message>
    <message>
      <source>Add files…</source>
      <translation>添加文件…</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>打开</translation>
    </message>
    <message>
      <source>Remove</source>
      <translation>删除</translation>
    </message>
    <message>
      <source>to be attached on saving</source>
      <translation>保存时附加</translation>
    </message>
    <message>
      <source>Add photos or files</source>
      <translation>添加照片或文件</translation>
    </message>
    <message>
      <source>Images (*.jpg *.jpeg *.png *.heic *.bmp);;PDF (*.pdf);;All files (*)</source>
      <translation>图片 (*.jpg *.jpeg *.png *.heic *.bmp);;PDF (*.pdf);;所有文件 (*)</translation>
    </message>
    <message>
      <source>Remove attachments</source>
      <translation>删除附件</translation>
    </message>
    <message>
      <source>Remove the selected attachments from the sample?</source>
      <translation>从样品中删除所选附件？</translation>
    </message>
  </context>
  <context>
    <name>AuditTab</name>
    <message>
      <source>By hand</source>
      <translation>手动</translation>
    </message>
    <message>
      <source>Daily</source>
      <translation>每日自动</translation>
    </message>
    <message>
      <source>At upload</source>
      <translation>上传时</translation>
    </message>
    <message>
      <source>Demo</source>
      <translation>演示</translation>
    </message>
    <message>
      <source>Every change to a record is kept in a hash-chained audit log. Verifying checks the chain, compares every record with the log (a record changed outside Riskmon is named), and checks the checkpoints: the chain's head signed with the lab key. Each upload package carries the latest checkpoint; export them now and then and keep the file outside the lab's database.</source>
      <translation>对记录的每一次修改都记入哈希链审计日志。校验时核对哈希链，逐条比对业务数据与日志（在本程序以外被修改的记录会被指出），并核对检查点——用本机构签章密钥签署的链头。每个上传包都带有最新的检查点；请定期导出检查点，并保存在本机构数据库以外的地方。</translation>
    </message>
    <message>
      <source>Verify</source>
      <translation>校验</translation>
    </message>
    <message>
      <source>Check against a file…</source>
      <translation>核对外部检查点…</translation>
    </message>
    <message>
      <source>Checkpoints exported earlier, or the manifest.json of an upload package</source>
      <translation>此前导出的检查点文件，或上传包中的 manifest.json</translation>
    </message>
    <message>
      <source>Sign a checkpoint</source>
      <translation>签署检查点</translation>
    </message>
    <message>
      <source>Export checkpoints…</source>
      <translation>导出检查点…</translation>
    </message>
    <message>
      <source>Signed checkpoints</source>
      <translation>已签名的检查点</translation>
    </message>
    <message>
      <source>Signed at</source>
      <translation>签署时间</translation>
    </message>
    <message>
      <source>Entry</source>
      <translation>日志序号</translation>
    </message>
    <message>
      <source>Hash</source>
      <translation>哈希</translation>
    </message>
    <message>
      <source>Made</source>
      <translation>方式</translation>
    </message>
    <message>
      <source>Signed by</source>
      <translation>签署人</translation>
    </message>
    <message>
      <source>Audit log: %1 entries; head: entry %2, hash %3</source>
      <translation>审计日志：共 %1 条记录；链头：第 %2 条，哈希 %3</translation>
    </message>
    <message>
      <source>The lab has no signing key yet (Settings → Signing key).</source>
      <translation>本机构还没有签章密钥（设置 → 签章密钥）。</translation>
    </message>
    <message>
      <source>Verifying…</source>
      <translation>正在校验…</translation>
    </message>
    <message>
      <source>Checkpoints to check against</source>
      <translation>选择要核对的检查点文件</translation>
    </message>
    <message>
      <source>Checkpoints or manifest (*.json)</source>
      <translation>检查点或清单 (*.json)</translation>
    </message>
    <message>
      <source>No tampering found: chain, records and checkpoints agree.</source>
      <translation>未发现篡改：哈希链、业务数据与检查点一致。</translation>
    </message>
    <message>
      <source>Tampering found: %1 problem(s), listed below.</source>
      <translation>发现篡改：共 %1 处问题，见下方列表。</translation>
    </message>
    <message>
      <source>Checkpoint signed at entry %1.</source>
      <translation>已签署检查点：第 %1 条。</translation>
    </message>
    <message>
      <source>Export checkpoints</source>
      <translation>导出检查点</translation>
    </message>
    <message>
      <source>Checkpoints (*.json)</source>
      <translation>检查点 (*.json)</translation>
    </message>
    <message>
      <source>Checkpoints exported to %1. Keep the file outside the lab's database.</source>
      <translation>检查点已导出到 %1，请保存在本机构数据库以外的地方。</translation>
    </message>
  </context>
  <context>
    <name>BasisDialog</name>
    <message>
      <source>Basis explanation</source>
      <translation>依据说明</translation>
    </message>
    <message>
      <source>Sample %1 · item %2</source>
      <translation>样品 %1 · 项目 %2</translation>
    </message>
    <message>
      <source>Basis</source>
      <translation>判定依据</translation>
    </message>
    <message>
      <source>Method</source>
      <translation>检验方法</translation>
    </message>
    <message>
      <source>Rules applied</source>
      <translation>适用条款</translation>
    </message>
    <message>
      <source>No.</source>
      <translation>序号</translation>
    </message>
    <message>
      <source>Standard or stated quality</source>
      <translation>标准或明示的质量状况</translation>
    </message>
    <message>
      <source>Step</source>
      <translation>步骤</translation>
    </message>
    <message>
      <source>Outcome</source>
      <translation>结果</translation>
    </message>
    <message>
      <source>Reason</source>
      <translation>理由</translation>
    </message>
    <message>
      <source>No standard or stated quality was named for this item.</source>
      <translation>本项目没有列出任何标准或明示的质量状况。</translation>
    </message>
    <message>
      <source>Listed in the order the steps of Articles 16–17 considered them; hold the pointer over a step for its clause.</source>
      <translation>按第十六、十七条各步骤考虑的先后顺序列出；鼠标停在步骤上可查看对应条款。</translation>
    </message>
  </context>
  <context>
    <name>BulkEntryDialog</name>
    <message>
      <source>Bulk entry: one item, many samples</source>
      <translation>批量录入：一个项目，多个样品</translation>
    </message>
    <message>
      <source>Task:</source>
      <translation>任务：</translation>
    </message>
    <message>
      <source>Test item:</source>
      <translation>检验项目：</translation>
    </message>
    <message>
      <source>The samples of the task under test that have this item. Type the values; Enter moves to the next sample. A numeric item is judged as you type; a text item needs a judgement and a reason. Rows left empty or skipped are not saved.</source>
      <translation>该任务中正在检验且含有此项目的样品。录入检验结果，按 Enter 转到下一个样品。数值项目边录入边自动判定；文字要求的项目须选择判定结论并写明理由。留空或跳过的行不保存。</translation>
    </message>
    <message>
      <source>Sample no.</source>
      <translation>样品编号</translation>
    </message>
    <message>
      <source>Product</source>
      <translation>产品</translation>
    </message>
    <message>
      <source>Requirement</source>
      <translation>技术要求</translation>
    </message>
    <message>
      <source>Value</source>
      <translation>检验结果</translation>
    </message>
    <message>
      <source>Unit</source>
      <translation>单位</translation>
    </message>
    <message>
      <source>Judgement</source>
      <translation>判定</translation>
    </message>
    <message>
      <source>Reason (text items)</source>
      <translation>判定理由（文字项目）</translation>
    </message>
    <message>
      <source>Skip row</source>
      <translation>跳过此行</translation>
    </message>
    <message>
      <source>Leave the selected sample out of this save (its value is cleared)</source>
      <translation>本次保存不包括所选样品（清除其录入值）</translation>
    </message>
    <message>
      <source>Save all</source>
      <translation>全部保存</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>关闭</translation>
    </message>
    <message>
      <source>No sample of this task is under test.</source>
      <translation>该任务没有正在检验的样品。</translation>
    </message>
    <message>
      <source>Pass</source>
      <translation>符合</translation>
    </message>
    <message>
      <source>Fail</source>
      <translation>不符合</translation>
    </message>
    <message>
      <source>Not judged</source>
      <translation>不判定</translation>
    </message>
    <message numerus="yes">
      <source>%n sample(s) under test have this item.</source>
      <translation>
        <numerusform>共 %n 个正在检验的样品含有此项目。</numerusform>
      </translation>
    </message>
    <message>
      <source>not a number</source>
      <translation>不是数值</translation>
    </message>
    <message>
      <source>unit must be %1</source>
      <translation>单位应为 %1</translation>
    </message>
    <message>
      <source>Skipped</source>
      <translation>已跳过</translation>
    </message>
    <message>
      <source>judged automatically</source>
      <translation>自动判定</translation>
    </message>
    <message>
      <source>Nothing saved: fix or skip the marked rows first (%1).</source>
      <translation>未保存任何结果：请先修改或跳过标红的行（%1）。</translation>
    </message>
    <message>
      <source>Nothing to save: type at least one value.</source>
      <translation>没有要保存的结果：请至少录入一个检验结果。</translation>
    </message>
    <message numerus="yes">
      <source>%n result(s) saved.</source>
      <translation>
        <numerusform>已保存 %n 项检验结果。</numerusform>
      </translation>
    </message>
    <message>
      <source>Nothing saved: %1</source>
      <translation>未保存任何结果：%1</translation>
    </message>
  </context>
  <context>
    <name>CalendarDayDialog</name>
    <message>
      <source>Add a calendar day</source>
      <translation>添加日历日期</translation>
    </message>
    <message>
      <source>e.g. Spring Festival</source>
      <translation>如 春节</translation>
    </message>
    <message>
      <source>e.g. the number of the State Council notice</source>
      <translation>如 国务院办公厅通知的文号</translation>
    </message>
    <message>
      <source>Date</source>
      <translation>日期</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation>类别</translation>
    </message>
    <message>
      <source>Holiday name</source>
      <translation>节日名称</translation>
    </message>
    <message>
      <source>Source</source>
      <translation>来源</translation>
    </message>
    <message>
      <source>Save</source>
      <translation>保存</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
  </context>
  <context>
    <name>CatalogLabels</name>
    <message>
      <source>Range (low–high)</source>
      <extracomment>requirement types offered in the editor: (op, shown sign)</extracomment>
      <translation>范围（下限～上限）</translation>
    </message>
    <message>
      <source>Text</source>
      <translation>文字</translation>
    </message>
    <message>
      <source>(general)</source>
      <translation>（通用要求）</translation>
    </message>
    <message>
      <source>Abolished</source>
      <translation>已废止</translation>
    </message>
    <message>
      <source>Not yet in force</source>
      <translation>尚未实施</translation>
    </message>
    <message>
      <source>Current</source>
      <translation>现行</translation>
    </message>
    <message>
      <source>Mandatory national (GB)</source>
      <translation>强制性国家标准（GB）</translation>
    </message>
    <message>
      <source>Recommended national (GB/T)</source>
      <translation>推荐性国家标准（GB/T）</translation>
    </message>
    <message>
      <source>National guidance (GB/Z)</source>
      <translation>国家标准化指导性技术文件（GB/Z）</translation>
    </message>
    <message>
      <source>Industry</source>
      <translation>行业标准</translation>
    </message>
    <message>
      <source>Local</source>
      <translation>地方标准</translation>
    </message>
    <message>
      <source>Group</source>
      <translation>团体标准</translation>
    </message>
    <message>
      <source>Enterprise</source>
      <translation>企业标准</translation>
    </message>
  </context>
  <context>
    <name>CatalogPanel</name>
    <message>
      <source>Filter by code or title</source>
      <translation>按标准编号或名称筛选</translation>
    </message>
    <message>
      <source>New standard</source>
      <translation>新增标准</translation>
    </message>
    <message>
      <source>New version</source>
      <translation>新增版本</translation>
    </message>
    <message>
      <source>A new version of the selected standard, with its items copied</source>
      <translation>新增所选标准的另一版本（复制其检验项目）</translation>
    </message>
    <message>
      <source>Edit</source>
      <translation>修改</translation>
    </message>
    <message>
      <source>Delete</source>
      <translation>删除</translation>
    </message>
    <message>
      <source>Import…</source>
      <translation>导入…</translation>
    </message>
    <message>
      <source>Import standards from the Excel template or a CSV file (all or nothing)</source>
      <translation>从 Excel 模板或 CSV 文件导入标准（全部成功或全部不导入）</translation>
    </message>
    <message>
      <source>Excel template…</source>
      <translation>Excel 模板…</translation>
    </message>
    <message>
      <source>Title</source>
      <translation>名称</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation>类别</translation>
    </message>
    <message>
      <source>Standard code</source>
      <translation>标准编号</translation>
    </message>
    <message>
      <source>Effective from</source>
      <translation>实施日期</translation>
    </message>
    <message>
      <source>Abolished on</source>
      <translation>废止日期</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Item count</source>
      <translation>项目数</translation>
    </message>
    <message>
      <source>Test item</source>
      <translation>检验项目</translation>
    </message>
    <message>
      <source>Clause</source>
      <translation>条款</translation>
    </message>
    <message>
      <source>Requirement</source>
      <translation>技术要求</translation>
    </message>
    <message>
      <source>Method</source>
      <translation>检验方法</translation>
    </message>
    <message>
      <source>Edit the selected standard</source>
      <translation>修改所选标准</translation>
    </message>
    <message>
      <source>Import standards</source>
      <translation>导入标准</translation>
    </message>
    <message>
      <source>Filter the standards</source>
      <translation>筛选标准</translation>
    </message>
    <message>
      <source>View</source>
      <translation>查看</translation>
    </message>
    <message>
      <source>Select a standard to see its items.</source>
      <translation>选择一个标准以查看其检验项目。</translation>
    </message>
    <message>
      <source>current</source>
      <translation>现行</translation>
    </message>
    <message>
      <source>Versions of %1: </source>
      <translation>%1 的各版本：</translation>
    </message>
    <message>
      <source>Delete standard</source>
      <translation>删除标准</translation>
    </message>
    <message>
      <source>Delete %1 from the catalog? Results already judged keep their basis.</source>
      <translation>从标准库中删除 %1？已判定的结果仍保留其判定依据。</translation>
    </message>
    <message>
      <source>Catalog files (*.xlsx *.csv);;All files (*)</source>
      <translation>标准目录文件 (*.xlsx *.csv);;所有文件 (*)</translation>
    </message>
    <message>
      <source>Save the Excel template</source>
      <translation>保存 Excel 模板</translation>
    </message>
    <message>
      <source>standards_catalog_template.xlsx</source>
      <translation>标准目录导入模板.xlsx</translation>
    </message>
    <message>
      <source>Excel workbook (*.xlsx)</source>
      <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
      <source>Importing the standards catalog…</source>
      <translation>正在导入标准库…</translation>
    </message>
    <message>
      <source>Import finished</source>
      <translation>导入完成</translation>
    </message>
    <message>
      <source>Imported %1 standard version(s) with %2 item(s).</source>
      <translation>已导入 %1 个标准版本，共 %2 个检验项目。</translation>
    </message>
    <message>
      <source>Import rejected</source>
      <translation>导入被拒绝</translation>
    </message>
    <message>
      <source>Nothing was imported. Fix every row listed below and import the file again.</source>
      <translation>未导入任何数据。请修改下列各行后重新导入。</translation>
    </message>
    <message>
      <source>Template saved</source>
      <translation>模板已保存</translation>
    </message>
    <message>
      <source>The Excel template was saved to %1.</source>
      <translation>Excel 模板已保存到 %1。</translation>
    </message>
  </context>
  <context>
    <name>ClaimsEdit</name>
    <message>
      <source>Requirement</source>
      <translation>要求类型</translation>
    </message>
    <message>
      <source>Unit</source>
      <translation>单位</translation>
    </message>
    <message>
      <source>Test item</source>
      <translation>检验项目</translation>
    </message>
    <message>
      <source>Stated on</source>
      <translation>来源</translation>
    </message>
    <message>
      <source>Limit value</source>
      <translation>限值</translation>
    </message>
    <message>
      <source>Text requirement</source>
      <translation>文字要求</translation>
    </message>
    <message>
      <source>For a range type the two ends as low~high, e.g. 4.0~8.5</source>
      <translation>范围类型填写下限~上限，例如 4.0~8.5</translation>
    </message>
    <message>
      <source>Add</source>
      <translation>添加</translation>
    </message>
    <message>
      <source>Remove</source>
      <translation>删除</translation>
    </message>
    <message>
      <source>On the label</source>
      <translation>标签</translation>
    </message>
    <message>
      <source>In the instructions</source>
      <translation>说明书</translation>
    </message>
    <message>
      <source>In advertising</source>
      <translation>宣传材料</translation>
    </message>
    <message>
      <source>Sample itself</source>
      <translation>实物</translation>
    </message>
    <message>
      <source>range</source>
      <translation>范围</translation>
    </message>
    <message>
      <source>text</source>
      <translation>文字</translation>
    </message>
  </context>
  <context>
    <name>ConfirmDialog</name>
    <message>
      <source>Record the authority's confirmation</source>
      <translation>登记任务下达部门确认</translation>
    </message>
    <message>
      <source>the issuing authority</source>
      <translation>任务下达部门</translation>
    </message>
    <message>
      <source>Article 14: the scheme is confirmed by the authority that issued the task (%1). Record its confirmation as received: samples can be registered once it is recorded.</source>
      <translation>第十四条：风险监测方案须报下达任务的市场监管部门（%1）确认。请按收到的确认文件登记：登记后即可登记样品。</translation>
    </message>
    <message>
      <source>e.g. 鄂市监质函〔2026〕12号</source>
      <translation>例如 鄂市监质函〔2026〕12号</translation>
    </message>
    <message>
      <source>Document number *</source>
      <translation>确认文号 *</translation>
    </message>
    <message>
      <source>Date of the document *</source>
      <translation>确认日期 *</translation>
    </message>
    <message>
      <source>PDF, JPEG or PNG, at most %1 MB</source>
      <translation>PDF、JPEG 或 PNG 文件，不超过 %1 MB</translation>
    </message>
    <message>
      <source>Choose…</source>
      <translation>选择…</translation>
    </message>
    <message>
      <source>Confirmation file *</source>
      <translation>确认文件 *</translation>
    </message>
    <message>
      <source>Record the confirmation</source>
      <translation>登记确认</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>Choose the confirmation file</source>
      <translation>选择确认文件</translation>
    </message>
    <message>
      <source>PDF or image (*.pdf *.jpg *.jpeg *.png);;All files (*)</source>
      <translation>PDF 或图片 (*.pdf *.jpg *.jpeg *.png);;所有文件 (*)</translation>
    </message>
  </context>
  <context>
    <name>ConsentDialog</name>
    <message>
      <source>Consent to publication (Article 8)</source>
      <translation>公开同意（第八条）</translation>
    </message>
    <message>
      <source>Task: %1</source>
      <translation>任务：%1</translation>
    </message>
    <message>
      <source>Only the market regulator that organised the monitoring can agree to its publication. With its consent on record, a publication-ready copy of the ledger and the results can be exported without the confidentiality mark.</source>
      <translation>只有组织风险监测的市场监管部门可以同意公开风险监测信息。登记其同意后，可导出不加保密标注的台账和检验结果（可公开版本）。</translation>
    </message>
    <message>
      <source>e.g. 鄂市监质函〔2026〕12号</source>
      <translation>例如 鄂市监质函〔2026〕12号</translation>
    </message>
    <message>
      <source>Consenting authority</source>
      <translation>同意公开的部门</translation>
    </message>
    <message>
      <source>Document number</source>
      <translation>文号</translation>
    </message>
    <message>
      <source>Date of consent</source>
      <translation>同意日期</translation>
    </message>
    <message>
      <source>Note</source>
      <translation>说明</translation>
    </message>
    <message>
      <source>Save</source>
      <translation>保存</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
  </context>
  <context>
    <name>CreateKeyDialog</name>
    <message>
      <source>A new key is generated for the lab: its certificate names the lab and its CMA number. It becomes the active key and signs every document issued from now on.</source>
      <translation>为本机构生成新的签章密钥：证书中写明机构名称和 CMA 证书编号。它成为在用密钥，此后签发的每份文件都用它签名。</translation>
    </message>
    <message>
      <source>It replaces %1; documents signed with earlier keys can still be verified.</source>
      <translation>它将取代“%1”；用以前的密钥签名的文件仍可核验。</translation>
    </message>
    <message>
      <source>The password protects the key in the database and cannot be recovered: everyone who issues documents needs it.</source>
      <translation>密码用于保护数据库中的密钥，遗忘后无法找回；签发文件的人员都需要知道它。</translation>
    </message>
    <message>
      <source>Generate a signing key</source>
      <translation>生成签章密钥</translation>
    </message>
    <message>
      <source>Generate</source>
      <translation>生成</translation>
    </message>
    <message>
      <source>Key password (at least %1 characters)</source>
      <translation>密钥密码（至少 %1 个字符）</translation>
    </message>
    <message>
      <source>Password again</source>
      <translation>确认密码</translation>
    </message>
    <message>
      <source>The key's password needs at least %1 characters.</source>
      <translation>签章密钥的密码至少 %1 个字符。</translation>
    </message>
    <message>
      <source>The two passwords differ.</source>
      <translation>两次输入的密码不一致。</translation>
    </message>
  </context>
  <context>
    <name>DashboardPage</name>
    <message>
      <source>Dashboard</source>
      <extracomment>a pending major hazard was clicked: its sample's id (the window opens it on the testing page)</extracomment>
      <translation>工作台</translation>
    </message>
    <message>
      <source>Reports due (5 working days)</source>
      <translation>待报送（5 个工作日）</translation>
    </message>
    <message>
      <source>Overdue</source>
      <translation>已超期</translation>
    </message>
    <message>
      <source>Major hazards awaiting report</source>
      <translation>重大隐患待上报</translation>
    </message>
    <message>
      <source>Major hazards found and saved but not yet reported (Article 18 ¶3).</source>
      <translation>已记录但尚未上报的重大质量安全风险隐患（第十八条第三款）。</translation>
    </message>
    <message>
      <source>Failed uploads</source>
      <translation>上报失败</translation>
    </message>
    <message>
      <source>Items of the upload queue whose last attempt failed, including those that need a person.</source>
      <translation>上传队列中最近一次尝试失败的项目，包括需人工处理的项目。</translation>
    </message>
    <message>
      <source>Open the upload page</source>
      <translation>打开上报同步</translation>
    </message>
    <message>
      <source>Reporting deadlines (Article 18: 5 working days after initial monitoring)</source>
      <translation>报送期限（第十八条：初次风险监测完成后 5 个工作日内）</translation>
    </message>
    <message>
      <source>Sample no.</source>
      <translation>样品编号</translation>
    </message>
    <message>
      <source>Task</source>
      <translation>任务</translation>
    </message>
    <message>
      <source>Product</source>
      <translation>产品</translation>
    </message>
    <message>
      <source>Completed</source>
      <translation>完成日期</translation>
    </message>
    <message>
      <source>Deadline</source>
      <translation>报送期限</translation>
    </message>
    <message>
      <source>Working days left</source>
      <translation>剩余工作日</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Problems</source>
      <translation>问题</translation>
    </message>
    <message>
      <source>Samples per task</source>
      <translation>各任务样品数</translation>
    </message>
    <message>
      <source>Title</source>
      <translation>名称</translation>
    </message>
    <message>
      <source>Planned</source>
      <translation>计划批次</translation>
    </message>
    <message>
      <source>Sampled</source>
      <translation>已抽样</translation>
    </message>
    <message>
      <source>With problems</source>
      <translation>有问题</translation>
    </message>
    <message>
      <source>%1 h since found</source>
      <translation>发现已 %1 小时</translation>
    </message>
    <message>
      <source>%1 h since found — over the %2 h limit</source>
      <translation>发现已 %1 小时，超过 %2 小时时限</translation>
    </message>
    <message>
      <source>Article 18: a major hazard is reported at once. Click a sample to report it.</source>
      <translation>第十八条：发现重大质量安全风险隐患应立即报告。点击样品编号进行上报。</translation>
    </message>
    <message numerus="yes">
      <source>%n of them need a person (rejected, or exported for upload by hand)</source>
      <translation>
        <numerusform>其中 %n 项需人工处理（被拒收，或已导出待手工上传）</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n day(s)</source>
      <translation>
        <numerusform>%n 个工作日</numerusform>
      </translation>
    </message>
    <message>
      <source>Due today</source>
      <translation>今天到期</translation>
    </message>
    <message>
      <source>Samples whose initial monitoring is complete and whose results are not yet reported to the regulator (Article 18: within 5 working days).</source>
      <translation>已完成初次风险监测、结果尚未报送监管部门的样品（第十八条：5 个工作日内）。</translation>
    </message>
    <message>
      <source>Of those, the samples past their 5-working-day deadline.</source>
      <translation>其中已超过 5 个工作日报送期限的样品。</translation>
    </message>
    <message>
      <source>Samples with problems, letters not sent</source>
      <translation>发现问题、告知书未送出的样品</translation>
    </message>
    <message>
      <source>Approved samples that found problems and for which no notice has been sent yet (Article 18 ¶2): count of samples, not of letters.</source>
      <translation>已批准、发现问题且尚未送出告知书的样品（第十八条第二款）：按样品计数，而非告知书份数。</translation>
    </message>
    <message numerus="yes">
      <source>%n day(s) late</source>
      <translation>
        <numerusform>超期 %n 个工作日</numerusform>
      </translation>
    </message>
    <message>
      <source> (provisional)</source>
      <translation>（暂定）</translation>
    </message>
    <message>
      <source>Due soon</source>
      <translation>即将到期</translation>
    </message>
    <message>
      <source>In time</source>
      <translation>正常</translation>
    </message>
    <message>
      <source>Yes</source>
      <translation>是</translation>
    </message>
    <message>
      <source>No official holiday notice for that year yet: the deadline assumes the statutory holidays.</source>
      <translation>该年度国务院办公厅放假通知尚未录入：期限按法定节假日推定，仅供参考。</translation>
    </message>
  </context>
  <context>
    <name>DeliveryDialog</name>
    <message>
      <source>Record delivery</source>
      <translation>登记送达情况</translation>
    </message>
    <message>
      <source>Notice %1 to %2</source>
      <translation>告知书 %1（致 %2）</translation>
    </message>
    <message>
      <source>Save</source>
      <translation>保存</translation>
    </message>
    <message>
      <source>Sent on</source>
      <translation>送达日期</translation>
    </message>
    <message>
      <source>Delivery method</source>
      <translation>送达方式</translation>
    </message>
    <message>
      <source>Acknowledged on</source>
      <translation>签收日期</translation>
    </message>
    <message>
      <source>Acknowledgement note</source>
      <translation>回执说明</translation>
    </message>
    <message>
      <source>Add scan…</source>
      <translation>添加扫描件…</translation>
    </message>
    <message>
      <source>Keep a scan of the signed receipt (PDF, JPEG or PNG, at most 20 MB)</source>
      <translation>保存签收回执的扫描件（PDF、JPEG 或 PNG，不超过 20 MB）</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>打开</translation>
    </message>
    <message>
      <source>Receipt scans</source>
      <translation>回执扫描件</translation>
    </message>
    <message>
      <source>Receipt scan</source>
      <translation>回执扫描件</translation>
    </message>
    <message>
      <source>Scans (*.pdf *.jpg *.jpeg *.png)</source>
      <translation>扫描件 (*.pdf *.jpg *.jpeg *.png)</translation>
    </message>
  </context>
  <context>
    <name>ExportNotice</name>
    <message>
      <source>About to export: %1</source>
      <translation>即将导出：%1</translation>
    </message>
    <message>
      <source>Publication-ready copy without the confidentiality mark, on the consent: %1</source>
      <translation>可公开版本，不加保密标注，依据：%1</translation>
    </message>
    <message>
      <source>It is marked %1. %2</source>
      <translation>文件标注“%1”。%2</translation>
    </message>
    <message>
      <source>Hand it only to those entitled to it.</source>
      <translation>只能交给有权接收的单位和人员。</translation>
    </message>
    <message>
      <source>Export</source>
      <translation>导出</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>Information leaving the lab (Article 8)</source>
      <extracomment>shows the question and returns whether to go on (tests put an answer here)</extracomment>
      <translation>导出风险监测信息（第八条）</translation>
    </message>
  </context>
  <context>
    <name>FirstRunDialog</name>
    <message>
      <source>Welcome to Riskmon</source>
      <translation>欢迎使用 Riskmon</translation>
    </message>
    <message>
      <source>This lab database is new. Create the administrator account to start, or load the demo lab to try the program.</source>
      <translation>这是一个新的机构数据库。请先创建管理员账号；也可以载入演示实验室试用本程序。</translation>
    </message>
    <message>
      <source>User name</source>
      <translation>用户名</translation>
    </message>
    <message>
      <source>Full name</source>
      <translation>姓名</translation>
    </message>
    <message>
      <source>Password (at least 8 characters)</source>
      <translation>密码（至少 8 位）</translation>
    </message>
    <message>
      <source>Password again</source>
      <translation>确认密码</translation>
    </message>
    <message>
      <source>Create administrator</source>
      <translation>创建管理员</translation>
    </message>
    <message>
      <source>Load the demo lab</source>
      <translation>载入演示实验室</translation>
    </message>
    <message>
      <source>Quit</source>
      <translation>退出</translation>
    </message>
    <message>
      <source>The two passwords differ.</source>
      <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
      <source>Fill this database with a fictional demo lab? You will be signed in as its administrator.</source>
      <translation>在此数据库中载入虚构的演示实验室？载入后将以其管理员身份登录。</translation>
    </message>
  </context>
  <context>
    <name>HandDeliveryDialog</name>
    <message>
      <source>Confirm upload by hand</source>
      <translation>确认已手工上传</translation>
    </message>
    <message>
      <source>Confirm that this package was uploaded through the web portal of the provincial system. It will no longer be sent online.</source>
      <translation>请确认该上传包已通过省级系统网页上传。确认后将不再在线上传。</translation>
    </message>
    <message>
      <source>Task</source>
      <translation>任务</translation>
    </message>
    <message>
      <source>Content</source>
      <translation>上传内容</translation>
    </message>
    <message>
      <source>As shown by the portal, if it gave one</source>
      <translation>省级系统网页给出的回执编号（如有）</translation>
    </message>
    <message>
      <source>Receipt no.</source>
      <translation>回执编号</translation>
    </message>
  </context>
  <context>
    <name>HazardDialog</name>
    <message>
      <source>Major quality and safety hazard — %1</source>
      <translation>重大质量安全风险隐患 — %1</translation>
    </message>
    <message>
      <source>A major quality and safety hazard found during monitoring is reported at once to the organising authority (Article 18). The report is issued, signed when the lab has its key, and entered in the risk register.</source>
      <translation>监测中发现的重大质量安全风险隐患，应立即向组织风险监测的市场监管部门报告（第十八条）。报告出具时由本机构密钥签名（已设置密钥时），并登记到风险信息台账（即时报送）。</translation>
    </message>
    <message>
      <source>Sample</source>
      <translation>样品</translation>
    </message>
    <message>
      <source>What was found</source>
      <translation>隐患情况</translation>
    </message>
    <message>
      <source>Measures taken</source>
      <translation>已采取的措施</translation>
    </message>
    <message>
      <source>expert panel</source>
      <translation>专家组评价</translation>
    </message>
    <message>
      <source>nonconforming</source>
      <translation>不符合</translation>
    </message>
    <message>
      <source>Items concerned</source>
      <translation>涉及项目</translation>
    </message>
    <message>
      <source>No item of this sample is nonconforming or found by an expert panel: say why it is a major hazard.</source>
      <translation>该样品没有不符合或专家组评价发现问题的项目：请说明判定为重大风险隐患的理由。</translation>
    </message>
    <message>
      <source>Found at</source>
      <translation>发现时间</translation>
    </message>
    <message>
      <source>The authority that organised the monitoring</source>
      <translation>组织风险监测的市场监管部门</translation>
    </message>
    <message>
      <source>Report to</source>
      <translation>报告对象</translation>
    </message>
    <message>
      <source>Upload to the provincial system (ahead of the queue)</source>
      <translation>上传省级系统（优先上传）</translation>
    </message>
    <message>
      <source>By phone</source>
      <translation>电话</translation>
    </message>
    <message>
      <source>In person or in writing</source>
      <translation>当面或书面送达</translation>
    </message>
    <message>
      <source>How</source>
      <translation>报告方式</translation>
    </message>
    <message>
      <source>Name and post of the person told</source>
      <translation>接报人姓名及职务</translation>
    </message>
    <message>
      <source>Person told</source>
      <translation>接报人</translation>
    </message>
    <message>
      <source>Told at</source>
      <translation>报告时间</translation>
    </message>
    <message>
      <source>Receipt number or a note (optional)</source>
      <translation>回执编号或说明（可不填）</translation>
    </message>
    <message>
      <source>Receipt</source>
      <translation>回执</translation>
    </message>
    <message>
      <source>Preview</source>
      <translation>预览</translation>
    </message>
    <message>
      <source>Save, report later</source>
      <translation>保存，稍后上报</translation>
    </message>
    <message>
      <source>Report now</source>
      <translation>立即上报</translation>
    </message>
    <message>
      <source>Reason (required)</source>
      <translation>判定理由（必填）</translation>
    </message>
    <message>
      <source>Reason</source>
      <translation>理由</translation>
    </message>
    <message>
      <source>Describe the hazard found.</source>
      <translation>请描述发现的重大质量安全风险隐患。</translation>
    </message>
    <message>
      <source>No item is chosen: say why it is a major hazard.</source>
      <translation>未选择涉及项目：请说明判定为重大风险隐患的理由。</translation>
    </message>
  </context>
  <context>
    <name>ImportKeyDialog</name>
    <message>
      <source>Import a certificate</source>
      <translation>导入证书</translation>
    </message>
    <message>
      <source>Import the lab's certificate with its private key, as issued by a certification authority (PKCS#12, .p12 or .pfx). It becomes the active key; the file's password also protects it in the database.</source>
      <translation>导入认证机构（CA）签发的本机构证书及其私钥（PKCS#12 格式，.p12 或 .pfx 文件）。它将成为在用密钥；证书文件的密码同时用于保护数据库中的密钥。</translation>
    </message>
    <message>
      <source>Import</source>
      <translation>导入</translation>
    </message>
    <message>
      <source>certificate file (.p12, .pfx)</source>
      <translation>证书文件（.p12、.pfx）</translation>
    </message>
    <message>
      <source>Choose…</source>
      <translation>选择…</translation>
    </message>
    <message>
      <source>Certificate file</source>
      <translation>证书文件</translation>
    </message>
    <message>
      <source>Password of the file</source>
      <translation>证书文件密码</translation>
    </message>
    <message>
      <source>Choose the certificate file</source>
      <translation>选择证书文件</translation>
    </message>
    <message>
      <source>PKCS#12 certificates (*.p12 *.pfx);;All files (*)</source>
      <translation>PKCS#12 证书 (*.p12 *.pfx);;所有文件 (*)</translation>
    </message>
    <message>
      <source>Choose the certificate file.</source>
      <translation>请选择证书文件。</translation>
    </message>
    <message>
      <source>Type the password of the certificate file.</source>
      <translation>请输入证书文件的密码。</translation>
    </message>
  </context>
  <context>
    <name>InboxPage</name>
    <message>
      <source>For me to handle</source>
      <translation>待我处理</translation>
    </message>
    <message>
      <source>Refresh</source>
      <translation>刷新</translation>
    </message>
    <message>
      <source>Report to review</source>
      <translation>待审核报告</translation>
    </message>
    <message>
      <source>Report to approve</source>
      <translation>待批准报告</translation>
    </message>
    <message>
      <source>Needs an expert panel</source>
      <translation>待专家组评价</translation>
    </message>
    <message>
      <source>Notice to deliver</source>
      <translation>待送达告知书</translation>
    </message>
    <message>
      <source>Upload failed</source>
      <translation>上报失败</translation>
    </message>
    <message>
      <source>What</source>
      <translation>事项</translation>
    </message>
    <message>
      <source>Report / sample</source>
      <translation>报告 / 样品</translation>
    </message>
    <message>
      <source>Product / recipient</source>
      <translation>产品 / 收件单位</translation>
    </message>
    <message>
      <source>To do</source>
      <translation>待办</translation>
    </message>
    <message>
      <source>Since</source>
      <translation>起始时间</translation>
    </message>
    <message>
      <source>Nothing waits for you.</source>
      <translation>目前没有待您处理的事项。</translation>
    </message>
    <message>
      <source>Double-click a line (or press Enter) to open it. Reports you compiled are not listed: another person reviews and approves them.</source>
      <translation>双击一行（或按回车）打开。您编制的报告不在此列出：须由他人审核和批准。</translation>
    </message>
    <message>
      <source>(the first %1 are listed)</source>
      <translation>（仅列出前 %1 项）</translation>
    </message>
  </context>
  <context>
    <name>IntelligenceView</name>
    <message>
      <source>Product category</source>
      <translation>产品类别</translation>
    </message>
    <message>
      <source>Refresh</source>
      <translation>刷新</translation>
    </message>
    <message>
      <source>Import earlier rounds…</source>
      <translation>导入往期数据…</translation>
    </message>
    <message>
      <source>Import earlier rounds' counts (category, year, item, region, tested, problems) from the Excel template; a file with any bad row is not imported at all</source>
      <translation>从 Excel 模板导入往期各轮的汇总数（产品类别、年度、检验项目、地区、检验批次、问题批次）；文件中任何一行有错误则全部不导入</translation>
    </message>
    <message>
      <source>Excel template…</source>
      <translation>Excel 模板…</translation>
    </message>
    <message>
      <source>Offered as key risk candidates: a rising trend (Cochran–Armitage, one-sided, α = %1) with at least %2 rounds tested and %3 samples in all — Article 12 (1); a region, place type or enterprise size whose rate is significantly above the rest (Fisher exact with Benjamini–Hochberg, q &lt; %1) with at least %4 problems — Article 12 (2). A person confirms each one into the register.</source>
      <translation>列为重点风险信息候选的条件：问题检出率呈上升趋势（Cochran–Armitage 趋势检验，单侧，α = %1），且至少 %2 轮有检验数据、合计不少于 %3 批次——第十二条（一）；某地区、抽样场所或企业规模的问题检出率显著高于其他（Fisher 精确检验经 Benjamini–Hochberg 校正，q &lt; %1），且问题不少于 %4 批次——第十二条（二）。每一条候选须由人员确认后才登记到风险信息登记簿。</translation>
    </message>
    <message>
      <source>Test item</source>
      <translation>检验项目</translation>
    </message>
    <message>
      <source>Trend</source>
      <translation>趋势</translation>
    </message>
    <message>
      <source>Key risk candidates</source>
      <translation>重点风险信息候选</translation>
    </message>
    <message>
      <source>Confirm as key risk information…</source>
      <translation>确认登记为重点风险信息…</translation>
    </message>
    <message>
      <source>Group</source>
      <translation>分组</translation>
    </message>
    <message>
      <source>Tested</source>
      <translation>检验批次</translation>
    </message>
    <message>
      <source>Problems</source>
      <translation>问题</translation>
    </message>
    <message>
      <source>Rate</source>
      <translation>检出率</translation>
    </message>
    <message>
      <source>95% interval</source>
      <translation>95% 置信区间</translation>
    </message>
    <message>
      <source>Rest</source>
      <translation>其他合计</translation>
    </message>
    <message>
      <source>q</source>
      <translation>q 值</translation>
    </message>
    <message>
      <source>Above the rest</source>
      <translation>显著偏高</translation>
    </message>
    <message>
      <source>No monitoring task or imported round has a product category yet.</source>
      <translation>还没有填写了产品类别的监测任务或导入的往期数据。</translation>
    </message>
    <message>
      <source>All items (batches)</source>
      <translation>全部项目（批次）</translation>
    </message>
    <message>
      <source>Regions (the sampled party's city), rounds %1 pooled</source>
      <translation>地区（被抽样单位所在市州），%1 年合并</translation>
    </message>
    <message>
      <source>Regions (the sampled party's city)</source>
      <translation>地区（被抽样单位所在市州）</translation>
    </message>
    <message>
      <source>Place types (samples recorded in this system)</source>
      <translation>抽样场所（本系统记录的样品）</translation>
    </message>
    <message>
      <source>Enterprise sizes of the sampled parties (samples recorded in this system)</source>
      <translation>被抽样单位的企业规模（本系统记录的样品）</translation>
    </message>
    <message>
      <source>(already in the register)</source>
      <translation>（已登记）</translation>
    </message>
    <message>
      <source>No finding reaches the thresholds.</source>
      <translation>没有达到候选条件的发现。</translation>
    </message>
    <message>
      <source>Yes</source>
      <translation>是</translation>
    </message>
    <message>
      <source>Fewer than two groups have samples: no comparison.</source>
      <translation>有样品的分组不足两个，无法比较。</translation>
    </message>
    <message>
      <source>All items</source>
      <translation>全部项目</translation>
    </message>
    <message>
      <source>%1 — %2: problem rate by round (95% Wilson interval)</source>
      <translation>%1 — %2：各轮问题检出率（Wilson 95% 置信区间）</translation>
    </message>
    <message>
      <source>Record this finding in the risk register as key risk information?</source>
      <translation>将这一发现登记为重点风险信息吗？</translation>
    </message>
    <message>
      <source>Confirm key risk information</source>
      <translation>确认重点风险信息</translation>
    </message>
    <message>
      <source>Import earlier rounds</source>
      <translation>导入往期监测数据</translation>
    </message>
    <message>
      <source>Excel workbooks (*.xlsx)</source>
      <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
      <source>Save the Excel template</source>
      <translation>保存 Excel 模板</translation>
    </message>
    <message>
      <source>Earlier rounds imported</source>
      <translation>往期数据已导入</translation>
    </message>
    <message>
      <source>%1 rows imported: %2, years %3.</source>
      <translation>已导入 %1 行：%2，年度 %3。</translation>
    </message>
    <message>
      <source>Nothing was imported</source>
      <translation>未导入任何数据</translation>
    </message>
    <message>
      <source>Template saved</source>
      <translation>模板已保存</translation>
    </message>
    <message>
      <source>The Excel template was saved to %1.</source>
      <translation>Excel 模板已保存到 %1。</translation>
    </message>
  </context>
  <context>
    <name>LabelDialog</name>
    <message>
      <source>Print labels</source>
      <translation>打印标签</translation>
    </message>
    <message numerus="yes">
      <source>Labels of %n sample(s): one per portion (test and backup portions get one each).</source>
      <translation>
        <numerusform>%n 个样品的标签：每份样品一张（有测试样和备份样的各打一张）。</numerusform>
      </translation>
    </message>
    <message>
      <source>A4 label sheet (3 × 8 labels, 70 × 37 mm)</source>
      <translation>A4 标签纸（3 × 8 张，70 × 37 mm）</translation>
    </message>
    <message>
      <source>Label printer (one 60 × 40 mm label per page)</source>
      <translation>标签打印机（每页一张 60 × 40 mm 标签）</translation>
    </message>
    <message>
      <source>On a sheet already partly used: the first free label, counted row by row</source>
      <translation>已用过部分的标签纸：从第几张空白标签开始（按行计数）</translation>
    </message>
    <message>
      <source>Layout</source>
      <translation>版式</translation>
    </message>
    <message>
      <source>Start at label</source>
      <translation>起始标签位置</translation>
    </message>
    <message>
      <source>Print…</source>
      <translation>打印…</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
  </context>
  <context>
    <name>Legend</name>
    <message>
      <source>Legend:</source>
      <translation>图例：</translation>
    </message>
  </context>
  <context>
    <name>LoginDialog</name>
    <message>
      <source>Sign in — Riskmon</source>
      <translation>登录 — Riskmon</translation>
    </message>
    <message>
      <source>Product quality safety risk monitoring workstation</source>
      <translation>工业产品质量安全风险监测工作站</translation>
    </message>
    <message>
      <source>User name</source>
      <translation>用户名</translation>
    </message>
    <message>
      <source>Password</source>
      <translation>密码</translation>
    </message>
    <message>
      <source>Sign in</source>
      <translation>登录</translation>
    </message>
    <message>
      <source>Quit</source>
      <translation>退出</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <source>Riskmon — product quality safety risk monitoring</source>
      <translation>Riskmon 工业产品质量安全风险监测工作站</translation>
    </message>
    <message>
      <source>Dashboard</source>
      <translation>工作台</translation>
    </message>
    <message>
      <source>For me to handle</source>
      <translation>待我处理</translation>
    </message>
    <message>
      <source>Tasks</source>
      <translation>监测任务</translation>
    </message>
    <message>
      <source>Sampling</source>
      <translation>抽样</translation>
    </message>
    <message>
      <source>Testing</source>
      <translation>检验与判定</translation>
    </message>
    <message>
      <source>Expert panels</source>
      <translation>专家评价</translation>
    </message>
    <message>
      <source>Reports &amp; notices</source>
      <translation>报告与告知</translation>
    </message>
    <message>
      <source>Upload</source>
      <translation>上报同步</translation>
    </message>
    <message>
      <source>Risk information</source>
      <translation>风险信息</translation>
    </message>
    <message>
      <source>Settings</source>
      <translation>设置</translation>
    </message>
    <message>
      <source>&amp;Help</source>
      <translation>帮助(&amp;H)</translation>
    </message>
    <message>
      <source>&amp;About Riskmon</source>
      <translation>关于 Riskmon(&amp;A)</translation>
    </message>
  </context>
  <context>
    <name>MarksTab</name>
    <message>
      <source>%1, %2 KB, uploaded %3</source>
      <translation>%1，%2 KB，上传于 %3</translation>
    </message>
    <message>
      <source>Upload…</source>
      <translation>上传…</translation>
    </message>
    <message>
      <source>Remove</source>
      <translation>删除</translation>
    </message>
    <message>
      <source>(none)</source>
      <translation>（未上传）</translation>
    </message>
    <message>
      <source>(no preview)</source>
      <translation>（无法预览）</translation>
    </message>
    <message>
      <source>Replace…</source>
      <translation>更换…</translation>
    </message>
    <message>
      <source>Test reports carry the CMA mark at the top left of page 1, the lab's seal over the issue date and each person's signature beside their name. Where one is missing, the report says so instead of claiming it. PNG or JPEG, at most 2 MB; a PNG with a transparent background looks best. Reports already issued keep the images they were issued with.</source>
      <translation>检验报告首页左上角加印 CMA 标志，签发日期处加盖检验检测专用章，编制、审核、批准人姓名旁附签名；缺少哪一项，报告即如实注明，不作声称。图片须为 PNG 或 JPEG，不超过 2 MB，以透明背景的 PNG 为佳。已签发的报告保留签发时的图片。</translation>
    </message>
    <message>
      <source>The lab's marks</source>
      <translation>本机构标志与印章</translation>
    </message>
    <message>
      <source>CMA mark</source>
      <translation>CMA 标志</translation>
    </message>
    <message>
      <source>Not uploaded: test reports carry no CMA mark and make no CMA claim.</source>
      <translation>未上传：检验报告不加印 CMA 标志，也不作 CMA 声明。</translation>
    </message>
    <message>
      <source>Inspection and testing seal (检验检测专用章)</source>
      <translation>检验检测专用章</translation>
    </message>
    <message>
      <source>Not uploaded: approved test reports say that they are not sealed.</source>
      <translation>未上传：已批准的检验报告将注明“本报告未加盖检验检测专用章”。</translation>
    </message>
    <message>
      <source>Signatures</source>
      <translation>签名</translation>
    </message>
    <message>
      <source>Everyone who compiles, reviews or approves test reports. A report names the people who signed off; a missing signature is said on the report.</source>
      <translation>参与检验报告编制、审核、批准的人员。报告注明签字人员；缺少签名的，报告上如实注明。</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>姓名</translation>
    </message>
    <message>
      <source>User name</source>
      <translation>用户名</translation>
    </message>
    <message>
      <source>Roles</source>
      <translation>角色</translation>
    </message>
    <message>
      <source>Signature</source>
      <translation>签名</translation>
    </message>
    <message>
      <source>Upload signature…</source>
      <translation>上传签名…</translation>
    </message>
    <message>
      <source>Remove signature</source>
      <translation>删除签名</translation>
    </message>
    <message>
      <source>Compiles</source>
      <translation>编制</translation>
    </message>
    <message>
      <source>Reviews</source>
      <translation>审核</translation>
    </message>
    <message>
      <source>Approves</source>
      <translation>批准</translation>
    </message>
    <message>
      <source> (inactive)</source>
      <translation>（已停用）</translation>
    </message>
    <message>
      <source>No signature: reports say it is missing</source>
      <translation>无签名：报告将注明未签名</translation>
    </message>
    <message>
      <source>Replace signature…</source>
      <translation>更换签名…</translation>
    </message>
    <message>
      <source>PNG or JPEG images (*.png *.jpg *.jpeg)</source>
      <translation>PNG 或 JPEG 图片 (*.png *.jpg *.jpeg)</translation>
    </message>
    <message>
      <source>Choose a person in the list first.</source>
      <translation>请先在列表中选择人员。</translation>
    </message>
    <message>
      <source>the signature of %1</source>
      <translation>%1的签名</translation>
    </message>
    <message>
      <source>Choose the image: %1</source>
      <translation>选择图片：%1</translation>
    </message>
    <message>
      <source>Checking %1…</source>
      <translation>正在检查 %1…</translation>
    </message>
    <message>
      <source>Saved %1.</source>
      <translation>已保存%1。</translation>
    </message>
    <message>
      <source>Remove image</source>
      <translation>删除图片</translation>
    </message>
    <message>
      <source>Remove %1? Test reports issued from now on will say that it is missing.</source>
      <translation>删除%1？此后签发的检验报告将注明缺少该项。</translation>
    </message>
    <message>
      <source>Removed %1.</source>
      <translation>已删除%1。</translation>
    </message>
  </context>
  <context>
    <name>MessageBar</name>
    <message>
      <source>Reload</source>
      <translation>重新载入</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>关闭</translation>
    </message>
  </context>
  <context>
    <name>NoteDialog</name>
    <message>
      <source>Please write the note.</source>
      <translation>请填写说明。</translation>
    </message>
  </context>
  <context>
    <name>NoticeBatchDialog</name>
    <message>
      <source>Write notices</source>
      <translation>生成告知书</translation>
    </message>
    <message>
      <source>Tick the samples whose notices are written. Nothing is written before you confirm; a notice not issued yet is issued (numbered, signed and queued for upload) when it is written.</source>
      <translation>勾选要生成告知书的样品。确认之前不会写入任何文件；尚未出具的告知书在写入时出具（编号、签章并排队上报）。</translation>
    </message>
    <message numerus="yes">
      <source>%1 (%n letter(s))</source>
      <translation>
        <numerusform>%1（%n 份告知书）</numerusform>
      </translation>
    </message>
    <message>
      <source>Sample no.</source>
      <translation>样品编号</translation>
    </message>
    <message>
      <source>Addressee</source>
      <translation>被告知单位</translation>
    </message>
    <message>
      <source>Role</source>
      <translation>身份</translation>
    </message>
    <message>
      <source>File name</source>
      <translation>文件名</translation>
    </message>
    <message>
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Issued</source>
      <translation>已出具</translation>
    </message>
    <message>
      <source>Issued now</source>
      <translation>本次出具</translation>
    </message>
    <message numerus="yes">
      <source>Write %n letter(s)</source>
      <translation>
        <numerusform>写入 %n 份告知书</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n file(s) will be written to %1.</source>
      <translation>
        <numerusform>将写入 %n 个文件到 %1。</numerusform>
      </translation>
    </message>
    <message>
      <source>Tick at least one sample.</source>
      <translation>请至少勾选一个样品。</translation>
    </message>
  </context>
  <context>
    <name>Ops</name>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
  </context>
  <context>
    <name>PanelDialog</name>
    <message>
      <source>Expert panel evaluation</source>
      <translation>专家组验证评价</translation>
    </message>
    <message>
      <source>Sample %1 · item %2</source>
      <translation>样品 %1 · 项目 %2</translation>
    </message>
    <message>
      <source>This item cannot be tested: a panel of at least three experts evaluates the product's quality and safety (Article 5). Experts from the sampled or the nominal enterprise may not sit on it.</source>
      <translation>该项目无法实施检验检测，由专家组对产品质量安全状况进行验证评价（第五条），专家组成员原则上不少于 3 人。被抽样企业和标称生产企业的人员不得担任专家。</translation>
    </message>
    <message>
      <source>Parties: %1</source>
      <translation>当事企业：%1</translation>
    </message>
    <message>
      <source>Members</source>
      <translation>专家组成员</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>姓名</translation>
    </message>
    <message>
      <source>Affiliation</source>
      <translation>工作单位</translation>
    </message>
    <message>
      <source>Title</source>
      <translation>职称</translation>
    </message>
    <message>
      <source>Opinion</source>
      <translation>意见</translation>
    </message>
    <message>
      <source>Add member</source>
      <translation>添加成员</translation>
    </message>
    <message>
      <source>Remove member</source>
      <translation>删除成员</translation>
    </message>
    <message>
      <source>Only when the panel has fewer than three members</source>
      <translation>仅在专家组少于 3 人时填写</translation>
    </message>
    <message>
      <source>Why fewer than three</source>
      <translation>少于 3 人的理由</translation>
    </message>
    <message>
      <source>Conclusion</source>
      <translation>专家组结论</translation>
    </message>
    <message>
      <source>No problem found</source>
      <translation>未发现问题</translation>
    </message>
    <message>
      <source>Problem found</source>
      <translation>发现问题</translation>
    </message>
    <message>
      <source>Finding</source>
      <translation>评价结论</translation>
    </message>
    <message>
      <source>Save evaluation</source>
      <translation>保存评价</translation>
    </message>
    <message>
      <source>A row without a name is not a member: fill in the name or remove the row.</source>
      <translation>有一行未填写姓名：请填写姓名或删除该行。</translation>
    </message>
    <message numerus="yes">
      <source>%n member(s); no conflict of interest.</source>
      <translation>
        <numerusform>专家 %n 人，无利益冲突。</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>PanelsPage</name>
    <message>
      <source>Expert panel evaluations</source>
      <translation>专家组验证评价</translation>
    </message>
    <message>
      <source>Filter</source>
      <translation>筛选</translation>
    </message>
    <message>
      <source>Sample, product, item or expert</source>
      <translation>样品、产品、项目或专家</translation>
    </message>
    <message>
      <source>Show the evaluations whose sample, product, item or member matches</source>
      <translation>显示样品、产品、项目或专家相符的评价</translation>
    </message>
    <message>
      <source>Open sample</source>
      <translation>打开样品</translation>
    </message>
    <message>
      <source>Open the sample on the Testing page (Enter)</source>
      <translation>在“检验与判定”中打开该样品（回车）</translation>
    </message>
    <message>
      <source>Items that cannot be tested are evaluated by a panel of at least three experts (Article 5).</source>
      <translation>无法实施检验检测的项目，由不少于 3 人的专家组验证评价（第五条）。</translation>
    </message>
    <message>
      <source>Sample no.</source>
      <translation>样品编号</translation>
    </message>
    <message>
      <source>Product</source>
      <translation>产品</translation>
    </message>
    <message>
      <source>Item</source>
      <translation>项目</translation>
    </message>
    <message>
      <source>Members</source>
      <translation>专家组成员</translation>
    </message>
    <message>
      <source>Finding</source>
      <translation>评价结论</translation>
    </message>
    <message>
      <source>Conclusion</source>
      <translation>专家组结论</translation>
    </message>
    <message>
      <source>Recorded by</source>
      <translation>记录人</translation>
    </message>
    <message>
      <source>Recorded</source>
      <translation>记录时间</translation>
    </message>
    <message>
      <source>Evaluation</source>
      <translation>评价详情</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>姓名</translation>
    </message>
    <message>
      <source>Affiliation</source>
      <translation>工作单位</translation>
    </message>
    <message>
      <source>Title</source>
      <translation>职称</translation>
    </message>
    <message>
      <source>Opinion</source>
      <translation>意见</translation>
    </message>
    <message>
      <source>Why fewer than three</source>
      <translation>少于 3 人的理由</translation>
    </message>
    <message>
      <source>No problem found</source>
      <translation>未发现问题</translation>
    </message>
    <message>
      <source>Problem found</source>
      <translation>发现问题</translation>
    </message>
    <message numerus="yes">
      <source>%n evaluation(s)</source>
      <translation>
        <numerusform>共 %n 项评价</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>PartyBox</name>
    <message>
      <source>18 characters</source>
      <translation>18 位</translation>
    </message>
    <message>
      <source>Fill in the name, address and contact the lab has on record</source>
      <translation>用企业名录中的名称、地址和联系人填写</translation>
    </message>
    <message>
      <source>Large</source>
      <translation>大型</translation>
    </message>
    <message>
      <source>Medium</source>
      <translation>中型</translation>
    </message>
    <message>
      <source>Small</source>
      <translation>小型</translation>
    </message>
    <message>
      <source>Micro</source>
      <translation>微型</translation>
    </message>
    <message>
      <source>USCC</source>
      <translation>统一社会信用代码</translation>
    </message>
    <message>
      <source>Enterprise name</source>
      <translation>名称</translation>
    </message>
    <message>
      <source>Address</source>
      <translation>地址</translation>
    </message>
    <message>
      <source>Phone</source>
      <translation>电话</translation>
    </message>
    <message>
      <source>Contact</source>
      <translation>联系人</translation>
    </message>
    <message>
      <source>Enterprise size</source>
      <translation>企业规模</translation>
    </message>
    <message>
      <source>Fill in from the register: {name}</source>
      <translation>从企业名录填写：{name}</translation>
    </message>
  </context>
  <context>
    <name>PasswordDialog</name>
    <message>
      <source>Password</source>
      <translation>密码</translation>
    </message>
  </context>
  <context>
    <name>PasswordPrompt</name>
    <message>
      <source>Password of the provincial system</source>
      <translation>省级系统密码</translation>
    </message>
    <message>
      <source>Uploads to the provincial information system need the lab's account. The password is kept in memory until Riskmon closes.</source>
      <translation>上传到省级信息系统需要使用本机构的账号。密码仅保存在内存中，关闭程序后即清除。</translation>
    </message>
    <message>
      <source>Account</source>
      <translation>账号</translation>
    </message>
    <message>
      <source>Password</source>
      <translation>密码</translation>
    </message>
    <message>
      <source>Save in the system keyring of this computer</source>
      <translation>保存到本机的系统密码库</translation>
    </message>
    <message>
      <source>The system keyring cannot be used: the password is not saved.</source>
      <translation>系统密码库不可用，密码不会保存。</translation>
    </message>
    <message>
      <source>Only an administrator can save the password in the keyring.</source>
      <translation>只有管理员才能把密码保存到系统密码库。</translation>
    </message>
    <message>
      <source>Enter the password.</source>
      <translation>请输入密码。</translation>
    </message>
  </context>
  <context>
    <name>PdfViewer</name>
    <message>
      <source>Previous page (Page Up)</source>
      <translation>上一页（Page Up）</translation>
    </message>
    <message>
      <source>Go to page</source>
      <translation>转到页</translation>
    </message>
    <message>
      <source>Next page (Page Down)</source>
      <translation>下一页（Page Down）</translation>
    </message>
    <message>
      <source>Zoom out (Ctrl+-)</source>
      <translation>缩小（Ctrl+-）</translation>
    </message>
    <message>
      <source>Zoom in (Ctrl++)</source>
      <translation>放大（Ctrl++）</translation>
    </message>
    <message>
      <source>Fit width</source>
      <translation>适合宽度</translation>
    </message>
    <message>
      <source>Fit the page width (Ctrl+0)</source>
      <translation>按页面宽度显示（Ctrl+0）</translation>
    </message>
    <message>
      <source>Whole page</source>
      <translation>整页</translation>
    </message>
    <message>
      <source>Show whole pages</source>
      <translation>显示整页</translation>
    </message>
    <message>
      <source>Save PDF…</source>
      <translation>保存 PDF…</translation>
    </message>
    <message>
      <source>Save this document as a PDF file (Ctrl+S)</source>
      <translation>将此文件保存为 PDF（Ctrl+S）</translation>
    </message>
    <message>
      <source>Print…</source>
      <translation>打印…</translation>
    </message>
    <message>
      <source>Print this document (Ctrl+P)</source>
      <translation>打印此文件（Ctrl+P）</translation>
    </message>
    <message>
      <source>Nothing to show yet: choose a document and press Preview.</source>
      <translation>尚无内容：请选择文件并点击“预览”。</translation>
    </message>
    <message>
      <source>Width</source>
      <translation>页宽</translation>
    </message>
    <message>
      <source>Page</source>
      <translation>全页</translation>
    </message>
    <message>
      <source>PDF files (*.pdf)</source>
      <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
      <source>Save PDF</source>
      <translation>保存 PDF</translation>
    </message>
    <message>
      <source>Could not write %1: %2</source>
      <translation>无法写入 %1：%2</translation>
    </message>
    <message>
      <source>Print</source>
      <translation>打印</translation>
    </message>
  </context>
  <context>
    <name>PlaceholderPage</name>
    <message>
      <source>This part of the workflow is not available in this version yet.</source>
      <extracomment>the pages in navigation order: (key, module under app.ui.pages, class); a page module not written yet shows a placeholder what ``show_page`` (and ``riskmon gui --page``) accepts the search boxes of the pages (object names): a scanned sample number typed into one opens the sample the navigation counts are re-read this long after the last change (a burst of changes: one query)</extracomment>
      <translation>本版本尚未提供此部分功能。</translation>
    </message>
  </context>
  <context>
    <name>ProblemsDialog</name>
    <message>
      <source>Copy</source>
      <translation>复制</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>关闭</translation>
    </message>
  </context>
  <context>
    <name>RateChart</name>
    <message>
      <source>No data</source>
      <translation>数据不足</translation>
    </message>
  </context>
  <context>
    <name>ReceiveDialog</name>
    <message>
      <source>Receive samples</source>
      <translation>收样</translation>
    </message>
    <message numerus="yes">
      <source>%n sample(s): </source>
      <translation>
        <numerusform>样品 %n 个：</numerusform>
      </translation>
    </message>
    <message>
      <source>Received on</source>
      <translation>收样日期</translation>
    </message>
    <message>
      <source>Condition on receipt</source>
      <translation>样品状态</translation>
    </message>
    <message>
      <source>The condition is printed on the test report (e.g. sample intact, seals unbroken).</source>
      <translation>样品状态将打印在检验报告上（如“样品完好，包装无破损”“封样完好，封条无破损”）。</translation>
    </message>
    <message>
      <source>Record receipt</source>
      <translation>确认收样</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
  </context>
  <context>
    <name>ReportSignDialog</name>
    <message>
      <source>Review reports</source>
      <translation>审核报告</translation>
    </message>
    <message>
      <source>Approve reports</source>
      <translation>批准报告</translation>
    </message>
    <message numerus="yes">
      <source>Read each report before you sign: its PDF is on the right. %n report(s) can be signed with your password, typed once.</source>
      <translation>
        <numerusform>签署前请逐份阅读报告：右侧为报告 PDF。输入一次密码即可签署 %n 份报告。</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Read each report before you approve it: its PDF is on the right. %n report(s) can be approved with your password, typed once.</source>
      <translation>
        <numerusform>批准前请逐份阅读报告：右侧为报告 PDF。输入一次密码即可批准 %n 份报告。</numerusform>
      </translation>
    </message>
    <message>
      <source>Report no.</source>
      <translation>报告编号</translation>
    </message>
    <message>
      <source>Sample no.</source>
      <translation>样品编号</translation>
    </message>
    <message>
      <source>Product</source>
      <translation>产品</translation>
    </message>
    <message>
      <source>Signing</source>
      <translation>签署</translation>
    </message>
    <message>
      <source>Will be signed</source>
      <translation>将签署</translation>
    </message>
    <message>
      <source>Item</source>
      <translation>项目</translation>
    </message>
    <message>
      <source>Requirement</source>
      <translation>技术要求</translation>
    </message>
    <message>
      <source>Result</source>
      <translation>检验结果</translation>
    </message>
    <message>
      <source>Basis</source>
      <translation>判定依据</translation>
    </message>
    <message>
      <source>Changes against the original report</source>
      <translation>与原报告相比的更正</translation>
    </message>
    <message>
      <source>Original</source>
      <translation>原结果</translation>
    </message>
    <message>
      <source>Amended</source>
      <translation>更正后</translation>
    </message>
    <message>
      <source>Reason</source>
      <translation>理由</translation>
    </message>
    <message>
      <source>Asked by / approved by</source>
      <translation>更正人 / 批准人</translation>
    </message>
    <message>
      <source>Reviewed: pass it on for approval</source>
      <translation>审核通过，提交批准</translation>
    </message>
    <message>
      <source>Return it to the compiler</source>
      <translation>退回编制人</translation>
    </message>
    <message>
      <source>Decision</source>
      <translation>审核结论</translation>
    </message>
    <message>
      <source>Required when returning the report</source>
      <translation>退回报告时必须填写</translation>
    </message>
    <message>
      <source>Comment</source>
      <translation>意见</translation>
    </message>
    <message>
      <source>Password</source>
      <translation>密码</translation>
    </message>
    <message numerus="yes">
      <source>Sign %n report(s)</source>
      <translation>
        <numerusform>签署 %n 份报告</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Approve %n report(s)</source>
      <translation>
        <numerusform>批准 %n 份报告</numerusform>
      </translation>
    </message>
    <message>
      <source>Loading report %1…</source>
      <translation>正在载入报告 %1…</translation>
    </message>
    <message>
      <source>Test report %1 (sample %2)</source>
      <translation>检验报告 %1（样品 %2）</translation>
    </message>
    <message>
      <source>Nonconforming items: %1 of %2 item(s)</source>
      <translation>不符合项目：%1 项（共 %2 项）</translation>
    </message>
    <message>
      <source>No nonconforming item: all %1 item(s) conform.</source>
      <translation>无不符合项目：%1 个项目均符合要求。</translation>
    </message>
    <message>
      <source>Replaces report %1. Reason: %2</source>
      <translation>替代报告 %1。更正原因：%2</translation>
    </message>
    <message>
      <source>Write the comment for the compiler when returning the report.</source>
      <translation>退回报告时请写明给编制人的意见。</translation>
    </message>
  </context>
  <context>
    <name>ReportsPage</name>
    <message>
      <source>Reports &amp; notices</source>
      <translation>报告与告知</translation>
    </message>
    <message>
      <source>Task:</source>
      <translation>任务：</translation>
    </message>
    <message>
      <source>The monitoring task whose documents are shown</source>
      <translation>显示该监测任务的报告与告知</translation>
    </message>
    <message>
      <source>Refresh</source>
      <translation>刷新</translation>
    </message>
    <message>
      <source>Verify a report…</source>
      <translation>核验报告…</translation>
    </message>
    <message>
      <source>Check whether a PDF someone brought in was issued by this lab and is unchanged since (核验)</source>
      <translation>核验外来的 PDF 是否由本机构签发、签发后是否被改动</translation>
    </message>
    <message>
      <source>Test reports</source>
      <translation>检验报告</translation>
    </message>
    <message>
      <source>Notices</source>
      <translation>告知书</translation>
    </message>
    <message>
      <source>Analysis &amp;&amp; monthly</source>
      <translation>分析报告与月报</translation>
    </message>
    <message>
      <source>Ledger &amp;&amp; package</source>
      <translation>台账与导出包</translation>
    </message>
    <message>
      <source>Sample no.</source>
      <translation>样品编号</translation>
    </message>
    <message>
      <source>Product</source>
      <translation>产品</translation>
    </message>
    <message>
      <source>Sample status</source>
      <translation>样品状态</translation>
    </message>
    <message>
      <source>Report no.</source>
      <translation>报告编号</translation>
    </message>
    <message>
      <source>Report status</source>
      <translation>报告状态</translation>
    </message>
    <message>
      <source>Problems</source>
      <translation>问题</translation>
    </message>
    <message>
      <source>Preview test report</source>
      <translation>预览检验报告</translation>
    </message>
    <message>
      <source>Render the selected sample's test report (Ctrl+R)</source>
      <translation>生成所选样品的检验报告（Ctrl+R）</translation>
    </message>
    <message>
      <source>Open in testing</source>
      <translation>在检验页打开</translation>
    </message>
    <message>
      <source>Show the sample on the testing page (compile, review, approve)</source>
      <translation>在“检验与判定”页显示该样品（编制、审核、批准）</translation>
    </message>
    <message>
      <source>Notice no.</source>
      <translation>告知书编号</translation>
    </message>
    <message>
      <source>Addressee</source>
      <translation>被告知单位</translation>
    </message>
    <message>
      <source>Role</source>
      <translation>身份</translation>
    </message>
    <message>
      <source>Outside Hubei</source>
      <translation>省外</translation>
    </message>
    <message>
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Sent</source>
      <translation>送达日期</translation>
    </message>
    <message>
      <source>Acknowledged</source>
      <translation>签收日期</translation>
    </message>
    <message>
      <source>Delivery method</source>
      <translation>送达方式</translation>
    </message>
    <message>
      <source>Create records</source>
      <translation>创建告知记录</translation>
    </message>
    <message>
      <source>Create the notification records of the approved problem samples</source>
      <translation>为已批准且发现问题的样品创建告知记录</translation>
    </message>
    <message>
      <source>Write letters…</source>
      <translation>生成告知书…</translation>
    </message>
    <message>
      <source>Preview letter</source>
      <translation>预览告知书</translation>
    </message>
    <message>
      <source>Record delivery…</source>
      <translation>登记送达…</translation>
    </message>
    <message>
      <source>Record when and how the notice was sent and acknowledged (Ctrl+D)</source>
      <translation>登记告知书的送达日期、方式和签收情况（Ctrl+D）</translation>
    </message>
    <message>
      <source>Risk monitoring analysis report (task)</source>
      <translation>风险监测分析报告（按任务）</translation>
    </message>
    <message>
      <source>Compile</source>
      <translation>编制</translation>
    </message>
    <message>
      <source>Review…</source>
      <translation>审核…</translation>
    </message>
    <message>
      <source>Approve…</source>
      <translation>批准…</translation>
    </message>
    <message>
      <source>A report is issued once approved; a report not yet approved is marked as such. Select several reports (Ctrl or Shift) to review or approve them with your password typed once. Red rows found problems.</source>
      <translation>报告经批准后出具；未批准的报告标注为未批准。按住 Ctrl 或 Shift 选择多份报告，输入一次密码即可一并审核或批准。红色行：发现问题的样品。</translation>
    </message>
    <message>
      <source>Write the notices of the selected samples into a folder; the files are listed for you to confirm first (Ctrl+G)</source>
      <translation>把所选样品的告知书写入文件夹；写入前列出全部文件供您确认（Ctrl+G）</translation>
    </message>
    <message>
      <source>Preview</source>
      <translation>预览</translation>
    </message>
    <message>
      <source>Analysis reports of the task</source>
      <translation>本任务的分析报告</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Compiled by</source>
      <translation>编制</translation>
    </message>
    <message>
      <source>Reviewed by</source>
      <translation>审核</translation>
    </message>
    <message>
      <source>Approved by</source>
      <translation>批准</translation>
    </message>
    <message>
      <source>Replaces</source>
      <translation>替代报告</translation>
    </message>
    <message>
      <source>Preview selected</source>
      <translation>预览所选</translation>
    </message>
    <message>
      <source>Show the selected analysis report as it was recorded (an approved one as issued)</source>
      <translation>按记录显示所选分析报告（已批准的按出具时的版本）</translation>
    </message>
    <message>
      <source>Monthly risk-information report (Article 11)</source>
      <translation>风险信息月报（第十一条）</translation>
    </message>
    <message>
      <source>Month:</source>
      <translation>月份：</translation>
    </message>
    <message>
      <source>Record sending…</source>
      <translation>登记报送…</translation>
    </message>
    <message>
      <source>Preview monthly report</source>
      <translation>预览月报</translation>
    </message>
    <message>
      <source>Save as Excel…</source>
      <translation>保存为 Excel…</translation>
    </message>
    <message>
      <source>Sample ledger</source>
      <translation>样品台账</translation>
    </message>
    <message>
      <source>Every sample of the task with its dates, the Article 18 deadline, the report and the notified parties, as an Excel workbook.</source>
      <translation>本任务全部样品的各环节日期、第十八条报送期限、报告编号和告知单位数，导出为 Excel 工作簿。</translation>
    </message>
    <message>
      <source>Export ledger…</source>
      <translation>导出台账…</translation>
    </message>
    <message>
      <source>Export results…</source>
      <translation>导出检验结果…</translation>
    </message>
    <message>
      <source>Every test item of the task's approved reports, one row each, as an Excel workbook</source>
      <translation>任务已批准报告的每个检验项目一行，导出为 Excel 工作簿</translation>
    </message>
    <message>
      <source>Publication (Article 8)</source>
      <translation>信息公开（第八条）</translation>
    </message>
    <message>
      <source>Publication-ready copy of the ledger and the results (without the confidentiality mark)</source>
      <translation>导出台账和检验结果的可公开版本（不加“内部资料 注意保密”）</translation>
    </message>
    <message>
      <source>Record consent…</source>
      <translation>登记公开同意…</translation>
    </message>
    <message>
      <source>An administrator records the organising regulator's consent to publication: authority, document number, date</source>
      <translation>由管理员登记组织风险监测的市场监管部门同意公开的部门、文号和日期</translation>
    </message>
    <message>
      <source>Export package for upload by hand</source>
      <translation>手工上传导出包</translation>
    </message>
    <message>
      <source>One ZIP per task with the approved samples' results, test reports and notices, checked after it is written. Upload it through the provincial information system when the online upload is not used.</source>
      <translation>每个任务一个 ZIP 文件，包含已批准样品的检验结果、检验报告和告知书，写出后自动校验。未使用在线上报时，通过湖北省产品质量安全监督管理信息系统手工上传。</translation>
    </message>
    <message>
      <source>Export package…</source>
      <translation>导出…</translation>
    </message>
    <message>
      <source>not compiled</source>
      <translation>未编制</translation>
    </message>
    <message>
      <source>Yes</source>
      <translation>是</translation>
    </message>
    <message>
      <source>Approved problem samples without notification records: %1. Create records or write the letters.</source>
      <translation>以下已批准且发现问题的样品尚无告知记录：%1。请创建告知记录或生成告知书。</translation>
    </message>
    <message numerus="yes">
      <source>%n notice(s) not sent yet.</source>
      <translation>
        <numerusform>%n 份告知书尚未送达。</numerusform>
      </translation>
    </message>
    <message>
      <source>No notices: no approved sample of this task found problems.</source>
      <translation>无告知书：本任务已批准的样品均未发现问题。</translation>
    </message>
    <message>
      <source>Receipt scans: %1</source>
      <translation>回执扫描件：%1</translation>
    </message>
    <message>
      <source>This notice belongs to a report that was replaced.</source>
      <translation>该告知书所依据的报告已被替代。</translation>
    </message>
    <message>
      <source>Replaces %1: %2</source>
      <translation>替代 %1：%2</translation>
    </message>
    <message>
      <source>Not compiled yet</source>
      <translation>尚未编制</translation>
    </message>
    <message>
      <source>compiled by %1, %2</source>
      <translation>%1 编制，%2</translation>
    </message>
    <message>
      <source>reviewed by %1, %2</source>
      <translation>%1 审核，%2</translation>
    </message>
    <message>
      <source>approved by %1, %2</source>
      <translation>%1 批准，%2</translation>
    </message>
    <message>
      <source>Returned by the reviewer: %1</source>
      <translation>审核人退回：%1</translation>
    </message>
    <message numerus="yes">
      <source>%n approved test report(s) of the task would be counted by compiling now.</source>
      <translation>
        <numerusform>现在编制将统计本任务 %n 份已批准的检验报告。</numerusform>
      </translation>
    </message>
    <message>
      <source>Review the selected compiled reports, reading each one first (审核); your password is asked once</source>
      <translation>审核所选的已编制报告，逐份阅读后签署；只需输入一次密码</translation>
    </message>
    <message>
      <source>Approve the selected reviewed reports, reading each one first (批准); your password is asked once</source>
      <translation>批准所选的已审核报告，逐份阅读后签署；只需输入一次密码</translation>
    </message>
    <message>
      <source>Select one or more samples with a report.</source>
      <translation>请选择一个或多个已有报告的样品。</translation>
    </message>
    <message>
      <source>Issue the notices with it (Article 18 ¶2)</source>
      <translation>同时出具告知书（第十八条第二款）</translation>
    </message>
    <message>
      <source>The sample found problems: the notices to the sampled party, the nominal producer and the platform operator are issued with the approved report and uploaded with it.</source>
      <translation>该样品发现问题：致被抽样单位、标称生产企业和平台经营者的告知书随批准的报告一并出具，并随报告一同上传。</translation>
    </message>
    <message numerus="yes">
      <source>%n report(s) signed</source>
      <translation>
        <numerusform>已签署 %n 份报告</numerusform>
      </translation>
    </message>
    <message>
      <source>Not signed: %1</source>
      <translation>未签署：%1</translation>
    </message>
    <message>
      <source>Signing</source>
      <translation>签署</translation>
    </message>
    <message>
      <source>Choose a task first.</source>
      <translation>请先选择任务。</translation>
    </message>
    <message>
      <source>Compile again…</source>
      <translation>重新编制…</translation>
    </message>
    <message>
      <source>Compile a new analysis report that replaces the approved one (a reason is needed)</source>
      <translation>编制替代已批准报告的新分析报告（须写明更正原因）</translation>
    </message>
    <message>
      <source>Compile again</source>
      <translation>重新编制</translation>
    </message>
    <message>
      <source>Compile the analysis report again from the task as it stands now (编制)</source>
      <translation>按任务当前情况重新编制分析报告（编制）</translation>
    </message>
    <message>
      <source>Compile the analysis report from the task's approved test reports (编制)</source>
      <translation>依据任务已批准的检验报告编制分析报告（编制）</translation>
    </message>
    <message>
      <source>Review the compiled analysis report, or return it with a comment (审核)</source>
      <translation>审核已编制的分析报告，或写明意见退回（审核）</translation>
    </message>
    <message>
      <source>Approve the reviewed analysis report: its PDF is issued and queued for upload (批准)</source>
      <translation>批准已审核的分析报告：出具其 PDF 并加入上报队列（批准）</translation>
    </message>
    <message>
      <source>Show the analysis report in force: the approved one as issued, or else the current draft (marked 草稿)</source>
      <translation>显示现行分析报告：已批准的按出具版本，否则显示当前草稿（标注“草稿”）</translation>
    </message>
    <message numerus="yes">
      <source>%1: %n page(s).</source>
      <translation>
        <numerusform>%1：共 %n 页。</numerusform>
      </translation>
    </message>
    <message>
      <source>Test report %1 (sample %2)</source>
      <translation>检验报告 %1（样品 %2）</translation>
    </message>
    <message>
      <source>Notice %1 to %2</source>
      <translation>告知书 %1（致 %2）</translation>
    </message>
    <message>
      <source>Analysis report of task %1</source>
      <translation>任务 %1 的风险监测分析报告</translation>
    </message>
    <message>
      <source>Analysis report %1 (%2)</source>
      <translation>分析报告 %1（%2）</translation>
    </message>
    <message>
      <source>Register entries this month: %1</source>
      <translation>本月登记的风险信息：%1 条</translation>
    </message>
    <message>
      <source>Not compiled yet: a preview is a draft.</source>
      <translation>尚未编制：预览为草稿。</translation>
    </message>
    <message>
      <source>Monthly report %1: %2</source>
      <translation>月报 %1：%2</translation>
    </message>
    <message>
      <source>compiled by %1</source>
      <translation>%1 填报</translation>
    </message>
    <message>
      <source>reviewed by %1</source>
      <translation>%1 审核</translation>
    </message>
    <message>
      <source>approved by %1</source>
      <translation>%1 批准</translation>
    </message>
    <message>
      <source>Returned: %1</source>
      <translation>审核人退回：%1</translation>
    </message>
    <message>
      <source>The register has changed since it was compiled (%1 entries then)</source>
      <translation>编制后风险信息登记已有变化（编制时 %1 条）</translation>
    </message>
    <message>
      <source>Sent: %1</source>
      <translation>已报送：%1</translation>
    </message>
    <message>
      <source>Not sent yet: record when it goes to the regulator.</source>
      <translation>尚未报送：报送市场监管部门后请登记。</translation>
    </message>
    <message>
      <source>Choose a month first.</source>
      <translation>请先选择月份。</translation>
    </message>
    <message>
      <source>Monthly report %1 compiled: the register is frozen; it waits for review.</source>
      <translation>月报 %1 已编制：当月风险信息登记已固定，待审核。</translation>
    </message>
    <message>
      <source>Compile a replacing monthly report</source>
      <translation>编制替代月报</translation>
    </message>
    <message>
      <source>Monthly report %1 is approved. Compiling again starts a new report that replaces it once approved; the approved one is kept with the reason.</source>
      <translation>月报 %1 已批准。重新编制将产生一份新的月报，批准后替代原月报；原月报连同更正原因一并保留。</translation>
    </message>
    <message>
      <source>Monthly report %1, compiled by %2.</source>
      <translation>月报 %1，由 %2 填报。</translation>
    </message>
    <message>
      <source>Review monthly report</source>
      <translation>审核月报</translation>
    </message>
    <message>
      <source>Approve monthly report</source>
      <translation>批准月报</translation>
    </message>
    <message>
      <source>Monthly report %1 reviewed: it waits for approval.</source>
      <translation>月报 %1 已审核，待批准。</translation>
    </message>
    <message>
      <source>Monthly report %1 returned to its compiler.</source>
      <translation>月报 %1 已退回填报人。</translation>
    </message>
    <message>
      <source>Monthly report %1 approved: issued and frozen.</source>
      <translation>月报 %1 已批准：已出具并固定。</translation>
    </message>
    <message>
      <source>Sending of monthly report %1 recorded.</source>
      <translation>已登记月报 %1 的报送。</translation>
    </message>
    <message>
      <source>Monthly risk-information report %1</source>
      <translation>%1 风险信息月报</translation>
    </message>
    <message>
      <source>Save monthly report</source>
      <translation>保存月报</translation>
    </message>
    <message>
      <source>Excel workbooks (*.xlsx)</source>
      <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
      <source>Saved %1</source>
      <translation>已保存：%1</translation>
    </message>
    <message>
      <source>No consent to publication is recorded for this task: everything exported is marked 内部资料 注意保密 with Article 8.</source>
      <translation>本任务没有公开同意记录：导出的文件一律标注“内部资料 注意保密”和第八条。</translation>
    </message>
    <message>
      <source>Consent recorded by %1: %2</source>
      <translation>公开同意（%1 登记）：%2</translation>
    </message>
    <message>
      <source>Correct consent…</source>
      <translation>修改公开同意…</translation>
    </message>
    <message>
      <source> — publication-ready copy</source>
      <translation>（可公开版本）</translation>
    </message>
    <message>
      <source>Export sample ledger</source>
      <translation>导出样品台账</translation>
    </message>
    <message>
      <source>Export results</source>
      <translation>导出检验结果</translation>
    </message>
    <message>
      <source>Folder for the export package</source>
      <translation>选择导出包的保存文件夹</translation>
    </message>
    <message>
      <source>Export package written and checked: %1 (%2 sample(s), %3 notice(s)).</source>
      <translation>导出包已生成并通过校验：%1（%2 个样品，%3 份告知书）。</translation>
    </message>
    <message>
      <source>The export package failed its check: %1</source>
      <translation>导出包未通过校验：%1</translation>
    </message>
    <message numerus="yes">
      <source>%n notification record(s) created.</source>
      <translation>
        <numerusform>已创建 %n 条告知记录。</numerusform>
      </translation>
    </message>
    <message>
      <source>Folder for the notices</source>
      <translation>选择告知书的保存文件夹</translation>
    </message>
    <message>
      <source>Writing notices…</source>
      <translation>正在生成告知书…</translation>
    </message>
    <message>
      <source>Cancelled: %1 of %2 notices written to %3.</source>
      <translation>已取消：已生成 %1/%2 份告知书，保存在 %3。</translation>
    </message>
    <message>
      <source>%1 of %2 notices written to %3.</source>
      <translation>已生成 %1/%2 份告知书，保存在 %3。</translation>
    </message>
    <message>
      <source>Delivery of %1 recorded: %2.</source>
      <translation>已登记 %1 的送达情况：%2。</translation>
    </message>
    <message>
      <source>The analysis report was reloaded: check it and try again.</source>
      <translation>已重新载入分析报告，请核对后再试。</translation>
    </message>
    <message>
      <source>Analysis report %1 compiled: it waits for review.</source>
      <translation>分析报告 %1 已编制，等待审核。</translation>
    </message>
    <message>
      <source>Compile a replacing analysis report</source>
      <translation>编制替代分析报告</translation>
    </message>
    <message>
      <source>Analysis report %1 is approved. Compiling again starts a new analysis report that replaces it once approved; the approved one is kept with the reason.</source>
      <translation>分析报告 %1 已批准。重新编制将生成新的分析报告，批准后替代原报告；原报告连同更正原因一并保留。</translation>
    </message>
    <message>
      <source>Reason for the amendment</source>
      <translation>更正原因</translation>
    </message>
    <message>
      <source>Analysis report %1 of task %2, compiled by %3.</source>
      <translation>任务 %2 的分析报告 %1，编制人 %3。</translation>
    </message>
    <message>
      <source>Review analysis report</source>
      <translation>审核分析报告</translation>
    </message>
    <message>
      <source>Type your password to sign the review.</source>
      <translation>请输入密码签署审核。</translation>
    </message>
    <message>
      <source>Approve analysis report</source>
      <translation>批准分析报告</translation>
    </message>
    <message>
      <source>Reviewed by %1. Type your password to approve it.</source>
      <translation>审核人 %1。请输入密码批准。</translation>
    </message>
    <message>
      <source>Analysis report %1 reviewed: it waits for approval.</source>
      <translation>分析报告 %1 已审核，等待批准。</translation>
    </message>
    <message>
      <source>Analysis report %1 returned to its compiler.</source>
      <translation>分析报告 %1 已退回编制人。</translation>
    </message>
    <message>
      <source>Analysis report %1 approved: issued and queued for upload.</source>
      <translation>分析报告 %1 已批准：已出具并加入上报队列。</translation>
    </message>
    <message>
      <source>Returned to the compiler</source>
      <translation>已退回编制人</translation>
    </message>
    <message>
      <source>Compiled, awaiting review</source>
      <translation>已编制，待审核</translation>
    </message>
    <message>
      <source>Reviewed, awaiting approval</source>
      <translation>已审核，待批准</translation>
    </message>
    <message>
      <source>Approved</source>
      <translation>已批准</translation>
    </message>
    <message>
      <source>PDF documents (*.pdf);;All files (*)</source>
      <translation>PDF 文件 (*.pdf);;所有文件 (*)</translation>
    </message>
    <message>
      <source>Choose the PDF to verify</source>
      <translation>选择要核验的 PDF</translation>
    </message>
    <message>
      <source>Superseded</source>
      <translation>已被替代</translation>
    </message>
    <message>
      <source>Counts by item, region, place and enterprise size, the failed items, the proposed warning level (Articles 19–20) and the measures of Article 23, compiled from the task's approved test reports, then reviewed and approved like a test report. Without a saved risk-level proposal the level is computed and marked as such.</source>
      <translation>按检验项目、地区、抽样场所和企业规模统计，列出不符合项目、建议的预警等级（第十九、二十条）和第二十三条处理措施；依据任务已批准的检验报告编制，并像检验报告一样审核、批准。未保存等级建议时由系统计算并在报告中注明。</translation>
    </message>
    <message>
      <source>Returned</source>
      <translation>已退回</translation>
    </message>
    <message>
      <source>Compiled</source>
      <translation>已编制</translation>
    </message>
    <message>
      <source>Reviewed</source>
      <translation>已审核</translation>
    </message>
  </context>
  <context>
    <name>ResetPasswordDialog</name>
    <message>
      <source>Reset password</source>
      <translation>重置密码</translation>
    </message>
    <message>
      <source>New password for %1</source>
      <translation>为 %1 设置新密码</translation>
    </message>
    <message>
      <source>New password (at least 8 characters)</source>
      <translation>新密码（至少 8 位）</translation>
    </message>
    <message>
      <source>Password again</source>
      <translation>确认密码</translation>
    </message>
    <message>
      <source>Set password</source>
      <translation>设置密码</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>The two passwords differ.</source>
      <translation>两次输入的密码不一致。</translation>
    </message>
  </context>
  <context>
    <name>ReviewDialog</name>
    <message>
      <source>Pass the internal review</source>
      <translation>内部审核通过</translation>
    </message>
    <message>
      <source>Return the scheme</source>
      <translation>退回方案</translation>
    </message>
    <message>
      <source>Review comment (optional)</source>
      <translation>审核意见（可不填）</translation>
    </message>
    <message>
      <source>What must be changed (required)</source>
      <translation>修改意见（必填）</translation>
    </message>
    <message>
      <source>your password, to sign the review</source>
      <translation>输入您的密码以签署审核</translation>
    </message>
    <message>
      <source>Password</source>
      <translation>密码</translation>
    </message>
    <message>
      <source>Pass the review</source>
      <translation>审核通过</translation>
    </message>
    <message>
      <source>Return for changes</source>
      <translation>退回修改</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
  </context>
  <context>
    <name>ReviseDialog</name>
    <message>
      <source>Revise the scheme</source>
      <translation>修订方案</translation>
    </message>
    <message>
      <source>A new version (%1) is drafted as a copy of this one. This version stays in force until the new one has passed the internal review and been confirmed by the issuing authority.</source>
      <translation>将以本版本为底稿生成新版本（%1）。新版本通过内部审核并经任务下达部门确认之前，本版本仍然有效。</translation>
    </message>
    <message>
      <source>%1 sample(s) already tested under this version keep it.</source>
      <translation>已按本版本检验的 %1 个样品仍保留在本版本。</translation>
    </message>
    <message>
      <source>%1 sample(s) not yet tested follow the new version once it is confirmed.</source>
      <translation>%1 个尚未检验的样品在新版本确认后改按新版本。</translation>
    </message>
    <message>
      <source>Reason for the revision</source>
      <translation>修订原因</translation>
    </message>
    <message>
      <source>Draft the new version</source>
      <translation>生成新版本</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
  </context>
  <context>
    <name>RiskInfoDialog</name>
    <message>
      <source>Risk information (read only)</source>
      <translation>风险信息（只读）</translation>
    </message>
    <message>
      <source>Edit risk information</source>
      <translation>修改风险信息</translation>
    </message>
    <message>
      <source>New risk information</source>
      <translation>新增风险信息</translation>
    </message>
    <message>
      <source>— choose the source —</source>
      <translation>— 请选择信息来源 —</translation>
    </message>
    <message>
      <source>Received on *</source>
      <translation>收到日期 *</translation>
    </message>
    <message>
      <source>Source (Article 10) *</source>
      <translation>信息来源（第十条）*</translation>
    </message>
    <message>
      <source>Title *</source>
      <translation>标题 *</translation>
    </message>
    <message>
      <source>Product</source>
      <translation>产品</translation>
    </message>
    <message>
      <source>Region</source>
      <translation>地区</translation>
    </message>
    <message>
      <source>Description</source>
      <translation>情况描述</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Key risk information (Article 12)</source>
      <translation>重点风险信息（第十二条）</translation>
    </message>
    <message>
      <source>Reported at once (Article 11)</source>
      <translation>已即时报送（第十一条）</translation>
    </message>
    <message>
      <source>The department that received it</source>
      <translation>接收报送的部门</translation>
    </message>
    <message>
      <source>— choose how —</source>
      <translation>— 选择报送方式 —</translation>
    </message>
    <message>
      <source>When (lab time)</source>
      <translation>报送时间（本机构时间）</translation>
    </message>
    <message>
      <source>To whom</source>
      <translation>报送对象</translation>
    </message>
    <message>
      <source>How</source>
      <translation>报送方式</translation>
    </message>
    <message>
      <source>Linked samples</source>
      <translation>关联样品</translation>
    </message>
    <message>
      <source>Sample number</source>
      <translation>样品编号</translation>
    </message>
    <message>
      <source>Link</source>
      <translation>关联</translation>
    </message>
    <message>
      <source>Unlink</source>
      <translation>取消关联</translation>
    </message>
    <message>
      <source>Save</source>
      <translation>保存</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>关闭</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
  </context>
  <context>
    <name>RiskLabels</name>
    <message>
      <source>(1) Reported by producers or sellers</source>
      <translation>（一）生产者、销售者报告的</translation>
    </message>
    <message>
      <source>(2) Consumer complaints and reports</source>
      <translation>（二）消费者投诉、举报的</translation>
    </message>
    <message>
      <source>(3) Found in routine market supervision</source>
      <translation>（三）市场监管部门日常监管中发现的</translation>
    </message>
    <message>
      <source>(4) Notified by government departments, organisations or units</source>
      <translation>（四）政府有关部门、社会组织或单位通报的</translation>
    </message>
    <message>
      <source>(5) Found by technical institutions</source>
      <translation>（五）技术机构发现的</translation>
    </message>
    <message>
      <source>(6) Product injury information</source>
      <translation>（六）产品伤害信息</translation>
    </message>
    <message>
      <source>(7) Recalls and warnings published by organisations, departments or enterprises</source>
      <translation>（七）有关组织、部门、企业等发布的产品召回、预警信息</translation>
    </message>
    <message>
      <source>(8) Internet and media reports</source>
      <translation>（八）网络及媒体报道的</translation>
    </message>
    <message>
      <source>(9) Other channels</source>
      <translation>（九）其他渠道采集的</translation>
    </message>
    <message>
      <source>Health or safety of persons or property, with serious harm, high or rising risk</source>
      <translation>涉及人体健康和人身、财产安全且危害较大、风险程度较高以及危害程度呈上升趋势的</translation>
    </message>
    <message>
      <source>Industry-wide, regional or systemic quality problems</source>
      <translation>涉及行业性、区域性和系统性质量安全问题的</translation>
    </message>
    <message>
      <source>May lead to a major product quality safety accident</source>
      <translation>可能存在导致重大产品质量安全事故发生的</translation>
    </message>
    <message>
      <source>High concern of consumers and the public</source>
      <translation>消费者和社会高度关注的</translation>
    </message>
    <message>
      <source>Deployed by the local Party committee or government, or needed for an emergency</source>
      <translation>地方党委政府部署的，或应对产品质量安全突发事件需要的</translation>
    </message>
    <message>
      <source>Notified by administrative departments as a major quality safety problem</source>
      <translation>有关行政部门通报有重大质量安全问题的</translation>
    </message>
    <message>
      <source>Other information to be included</source>
      <translation>其他需要纳入的</translation>
    </message>
    <message>
      <source>Not handled yet</source>
      <translation>待处理</translation>
    </message>
    <message>
      <source>Being assessed</source>
      <translation>研判中</translation>
    </message>
    <message>
      <source>Reported</source>
      <translation>已报送</translation>
    </message>
    <message>
      <source>Closed</source>
      <translation>已关闭</translation>
    </message>
  </context>
  <context>
    <name>RiskPage</name>
    <message>
      <source>Risk information</source>
      <translation>风险信息</translation>
    </message>
    <message>
      <source>Risk information collected by the lab as a monitoring station (Articles 10–12). It is reported monthly; key risk information is reported at once.</source>
      <translation>本机构作为风险信息监测采集站收集的风险信息（第十条至第十二条）。风险信息按月报送，重大质量安全风险信息及时报送。</translation>
    </message>
    <message>
      <source>All years</source>
      <translation>全部年份</translation>
    </message>
    <message>
      <source>All months</source>
      <translation>全部月份</translation>
    </message>
    <message>
      <source>%1 month</source>
      <translation>%1 月</translation>
    </message>
    <message>
      <source>All sources</source>
      <translation>全部来源</translation>
    </message>
    <message>
      <source>Key and other</source>
      <translation>全部（含重点）</translation>
    </message>
    <message>
      <source>Key risk only</source>
      <translation>仅重点风险信息</translation>
    </message>
    <message>
      <source>Not key risk</source>
      <translation>非重点风险信息</translation>
    </message>
    <message>
      <source>Any status</source>
      <translation>全部状态</translation>
    </message>
    <message>
      <source>Title, product, region…</source>
      <translation>标题、产品、地区…</translation>
    </message>
    <message>
      <source>Year</source>
      <translation>年份</translation>
    </message>
    <message>
      <source>Month</source>
      <translation>月份</translation>
    </message>
    <message>
      <source>New entry</source>
      <translation>新增登记</translation>
    </message>
    <message>
      <source>Record new risk information (Ctrl+N)</source>
      <translation>登记新的风险信息（Ctrl+N）</translation>
    </message>
    <message>
      <source>Edit</source>
      <translation>修改</translation>
    </message>
    <message>
      <source>Delete</source>
      <translation>删除</translation>
    </message>
    <message>
      <source>Source</source>
      <translation>来源</translation>
    </message>
    <message>
      <source>Product</source>
      <translation>产品</translation>
    </message>
    <message>
      <source>Region</source>
      <translation>地区</translation>
    </message>
    <message>
      <source>Subject</source>
      <translation>标题</translation>
    </message>
    <message>
      <source>Information received on</source>
      <translation>收到日期</translation>
    </message>
    <message>
      <source>Key risk</source>
      <translation>重点风险</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Samples</source>
      <translation>样品</translation>
    </message>
    <message>
      <source>Record new risk information</source>
      <translation>登记新的风险信息</translation>
    </message>
    <message>
      <source>Edit the selected entry</source>
      <translation>修改所选条目</translation>
    </message>
    <message>
      <source>Filter the register</source>
      <translation>筛选登记簿</translation>
    </message>
    <message>
      <source>Register</source>
      <translation>登记</translation>
    </message>
    <message>
      <source>Risk assessment across rounds</source>
      <translation>风险研判</translation>
    </message>
    <message numerus="yes">
      <source>%n entry(ies)</source>
      <translation>
        <numerusform>共 %n 条</numerusform>
      </translation>
    </message>
    <message>
      <source>Choose a year and a month to see the figures of the monthly report.</source>
      <translation>选择年份和月份后显示该月月报的统计。</translation>
    </message>
    <message>
      <source>Monthly report %1: %2 entries, %3 key risk</source>
      <translation>%1 月报：共 %2 条，其中重点风险信息 %3 条</translation>
    </message>
    <message>
      <source>Entries</source>
      <translation>条数</translation>
    </message>
    <message>
      <source>Key risk by Article 12 item</source>
      <translation>重点风险信息按第十二条情形统计</translation>
    </message>
    <message>
      <source>View</source>
      <translation>查看</translation>
    </message>
    <message>
      <source>recorded by %1</source>
      <translation>登记人：%1</translation>
    </message>
    <message>
      <source>Key risk information (Article 12)</source>
      <translation>重点风险信息（第十二条）</translation>
    </message>
    <message>
      <source>Linked samples</source>
      <translation>关联样品</translation>
    </message>
    <message>
      <source>Delete risk information</source>
      <translation>删除风险信息</translation>
    </message>
    <message>
      <source>Delete “%1” from the register?</source>
      <translation>从登记簿中删除“%1”？</translation>
    </message>
  </context>
  <context>
    <name>RiskProposalDialog</name>
    <message>
      <source>Propose a risk warning level</source>
      <translation>提出风险预警等级建议</translation>
    </message>
    <message>
      <source>Task: %1 %2</source>
      <translation>任务：%1 %2</translation>
    </message>
    <message>
      <source>Reasons for the figures chosen (printed with the analysis report)</source>
      <translation>各项取值的理由（随分析报告打印）</translation>
    </message>
    <message>
      <source>Severity of harm</source>
      <translation>危害程度</translation>
    </message>
    <message>
      <source>Each factor shows what the evidence suggests and where it comes from. Check or change the value, then tick Confirmed; the proposal is saved only when every factor is confirmed.</source>
      <translation>每项分级因素都列出证据提示的取值及其来源。请核对或修改取值后勾选“已确认”；所有因素均确认后方可保存等级建议。</translation>
    </message>
    <message>
      <source>Choose…</source>
      <translation>选择…</translation>
    </message>
    <message>
      <source>Probability of harm</source>
      <translation>伤害发生概率</translation>
    </message>
    <message>
      <source>Urgency</source>
      <translation>紧急程度</translation>
    </message>
    <message>
      <source>Scope</source>
      <translation>影响范围</translation>
    </message>
    <message>
      <source>Frequency (problem batches / tested batches)</source>
      <translation>发生频率（问题批次 / 已检批次）</translation>
    </message>
    <message>
      <source>Duration</source>
      <translation>持续时间</translation>
    </message>
    <message>
      <source>Factors and their evidence</source>
      <translation>分级因素及其依据</translation>
    </message>
    <message>
      <source>Factor</source>
      <translation>分级因素</translation>
    </message>
    <message>
      <source>Value</source>
      <translation>取值</translation>
    </message>
    <message>
      <source>Source (evidence)</source>
      <translation>依据（证据来源）</translation>
    </message>
    <message>
      <source>Confirmed</source>
      <translation>已确认</translation>
    </message>
    <message>
      <source>Gathering the evidence…</source>
      <translation>正在汇集证据…</translation>
    </message>
    <message>
      <source>Hazard class of the failed items (suggests the severity)</source>
      <translation>不符合项目的危害类别（据此提示危害程度）</translation>
    </message>
    <message>
      <source>Failed item</source>
      <translation>不符合项目</translation>
    </message>
    <message>
      <source>Batches</source>
      <translation>批次</translation>
    </message>
    <message>
      <source>Hazard class</source>
      <translation>危害类别</translation>
    </message>
    <message>
      <source>Note</source>
      <translation>说明</translation>
    </message>
    <message>
      <source>Proposed level</source>
      <translation>建议等级</translation>
    </message>
    <message>
      <source>The lab proposes the level; the market regulator decides.</source>
      <translation>本机构提出等级建议，由市场监管部门决定。</translation>
    </message>
    <message>
      <source>Save proposal</source>
      <translation>保存等级建议</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>(not in the table)</source>
      <translation>（未列入危害类别表）</translation>
    </message>
    <message>
      <source>Confirm every factor first</source>
      <translation>请先逐项确认分级因素</translation>
    </message>
    <message>
      <source>Not assessed</source>
      <translation>未研判</translation>
    </message>
    <message>
      <source>severity</source>
      <translation>危害程度</translation>
    </message>
    <message>
      <source>probability</source>
      <translation>发生概率</translation>
    </message>
    <message>
      <source>Choose the %1 to see the level.</source>
      <translation>请选择%1后查看等级。</translation>
    </message>
    <message>
      <source>Suggested publication (Article 20): %1</source>
      <translation>建议发布形式（第二十条）：%1</translation>
    </message>
    <message>
      <source>Risk matrix: %1, base level %2, points %3</source>
      <translation>风险矩阵：%1，基础等级 %2，升级分值 %3</translation>
    </message>
    <message>
      <source>No raising factor.</source>
      <translation>无升级因素。</translation>
    </message>
    <message>
      <source>Model: %1, version %2</source>
      <translation>分级模型：%1，版本 %2</translation>
    </message>
  </context>
  <context>
    <name>SampleFormDialog</name>
    <message>
      <source>Choose or type the condition of the sample on arrival</source>
      <translation>选择或填写收样时的样品状态</translation>
    </message>
    <message>
      <source>Sampling form</source>
      <translation>抽样单</translation>
    </message>
    <message>
      <source>Loading…</source>
      <translation>正在加载…</translation>
    </message>
    <message>
      <source>Task and place</source>
      <translation>任务与抽样场所</translation>
    </message>
    <message>
      <source>Producer</source>
      <translation>生产企业</translation>
    </message>
    <message>
      <source>Physical seller</source>
      <translation>实体销售者</translation>
    </message>
    <message>
      <source>E-commerce platform</source>
      <translation>电商平台</translation>
    </message>
    <message>
      <source>Monitoring task</source>
      <translation>监测任务</translation>
    </message>
    <message>
      <source>Scheme</source>
      <translation>监测方案</translation>
    </message>
    <message>
      <source>Place type</source>
      <translation>抽样场所类型</translation>
    </message>
    <message>
      <source>Platform operator</source>
      <translation>电商平台经营者</translation>
    </message>
    <message>
      <source>How the parcel was opened and recorded (video, photos, witnesses)</source>
      <translation>拆封过程及记录方式（录像、照片、见证人）</translation>
    </message>
    <message>
      <source>Shop name</source>
      <translation>网店名称</translation>
    </message>
    <message>
      <source>Shop or product URL</source>
      <translation>网店或商品网址</translation>
    </message>
    <message>
      <source>Order no.</source>
      <translation>订单号</translation>
    </message>
    <message>
      <source>Logistics no.</source>
      <translation>物流单号</translation>
    </message>
    <message>
      <source>Unpacking record</source>
      <translation>拆封记录</translation>
    </message>
    <message>
      <source>Product</source>
      <translation>产品</translation>
    </message>
    <message>
      <source>e.g. GB/T 90001-2023, Enter to add</source>
      <translation>如 GB/T 90001-2023，回车添加</translation>
    </message>
    <message>
      <source>Only with evidence from the public platform</source>
      <translation>仅限在企业标准信息公共服务平台公开且有证据的</translation>
    </message>
    <message>
      <source>Product name</source>
      <translation>产品名称</translation>
    </message>
    <message>
      <source>Model</source>
      <translation>规格型号</translation>
    </message>
    <message>
      <source>Brand</source>
      <translation>商标</translation>
    </message>
    <message>
      <source>Production date</source>
      <translation>生产日期</translation>
    </message>
    <message>
      <source>Batch no.</source>
      <translation>批号</translation>
    </message>
    <message>
      <source>Grade</source>
      <translation>等级</translation>
    </message>
    <message>
      <source>Declared standards</source>
      <translation>明示标准</translation>
    </message>
    <message>
      <source>Published enterprise standard</source>
      <translation>公开的企业标准</translation>
    </message>
    <message>
      <source>Declared quality (label, instructions, advertising or the sample itself)</source>
      <translation>明示质量状况（标签、说明书、宣传材料或实物）</translation>
    </message>
    <message>
      <source>Sampling</source>
      <translation>抽样</translation>
    </message>
    <message>
      <source>Number on the sampling record, unique in the task</source>
      <translation>抽样单上的编号，同一任务内不得重复</translation>
    </message>
    <message>
      <source>Name, Enter to add (at least two)</source>
      <translation>姓名，回车添加（不少于 2 人）</translation>
    </message>
    <message>
      <source>Seal no., Enter to add</source>
      <translation>封条编号，回车添加</translation>
    </message>
    <message>
      <source>Received on</source>
      <translation>收样日期</translation>
    </message>
    <message>
      <source>Sampling date</source>
      <translation>抽样日期</translation>
    </message>
    <message>
      <source>Condition on receipt</source>
      <translation>样品状态</translation>
    </message>
    <message>
      <source>Test category</source>
      <translation>检验类别</translation>
    </message>
    <message>
      <source>Sampling record no.</source>
      <translation>抽样单编号</translation>
    </message>
    <message>
      <source>Sampling place</source>
      <translation>抽样地点</translation>
    </message>
    <message>
      <source>Samplers</source>
      <translation>抽样人员</translation>
    </message>
    <message>
      <source>Unit</source>
      <translation>单位</translation>
    </message>
    <message>
      <source>Lot size</source>
      <translation>抽样基数</translation>
    </message>
    <message>
      <source>Backup</source>
      <translation>备用样品</translation>
    </message>
    <message>
      <source>Test quantity</source>
      <translation>检验样品数量</translation>
    </message>
    <message>
      <source>Unit price (yuan)</source>
      <translation>单价（元）</translation>
    </message>
    <message>
      <source>Seal numbers</source>
      <translation>封条编号</translation>
    </message>
    <message>
      <source>Notes</source>
      <translation>备注</translation>
    </message>
    <message>
      <source>Save</source>
      <translation>保存</translation>
    </message>
    <message>
      <source>Save the sampling record (Ctrl+S)</source>
      <translation>保存抽样单（Ctrl+S）</translation>
    </message>
    <message>
      <source>Save and register another like this</source>
      <translation>保存并登记同类样品</translation>
    </message>
    <message>
      <source>Save, then start a new form with the same task, place, parties and samplers (Ctrl+Shift+S)</source>
      <translation>保存后新开一张抽样单，沿用任务、场所、企业和抽样人员（Ctrl+Shift+S）</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>关闭</translation>
    </message>
    <message>
      <source>The sample could not be loaded.</source>
      <translation>无法载入该样品。</translation>
    </message>
    <message>
      <source>New sample (copied from {number})</source>
      <translation>新样品（复制自 {number}）</translation>
    </message>
    <message>
      <source>New sample</source>
      <translation>新样品</translation>
    </message>
    <message>
      <source>Sampling form — new sample</source>
      <translation>抽样单 — 新样品</translation>
    </message>
    <message>
      <source>Sample {number} · {status} · task {task}</source>
      <translation>样品 {number} · {status} · 任务 {task}</translation>
    </message>
    <message>
      <source>The report has been compiled: the sampling record can no longer be changed.</source>
      <translation>报告已编制，抽样信息不能再修改。</translation>
    </message>
    <message>
      <source>Sampling form — {number}</source>
      <translation>抽样单 — {number}</translation>
    </message>
    <message>
      <source>Testing started {date}</source>
      <translation>检验开始于 {date}</translation>
    </message>
    <message>
      <source>completed {date}</source>
      <translation>完成于 {date}</translation>
    </message>
    <message>
      <source>%1 (version %2)</source>
      <translation>%1（第%2版）</translation>
    </message>
    <message>
      <source>%1 (version %2, not in force)</source>
      <translation>%1（第%2版，非现行）</translation>
    </message>
    <message>
      <source>The scheme of this task is not yet confirmed by the issuing authority (now: %1): samples can be registered once it is confirmed (Article 14).</source>
      <translation>该任务的监测方案尚未经任务下达部门确认（当前：%1），确认后才能登记样品（第十四条）。</translation>
    </message>
    <message>
      <source>This task has no scheme yet: samples can be registered once its scheme has passed the internal review and been confirmed by the issuing authority (Article 14).</source>
      <translation>该任务还没有监测方案：方案通过内部审核并经任务下达部门确认后才能登记样品（第十四条）。</translation>
    </message>
    <message>
      <source>(no scheme)</source>
      <translation>（无方案）</translation>
    </message>
    <message>
      <source>Sampled producer</source>
      <translation>被抽样生产企业</translation>
    </message>
    <message>
      <source>Nominal producer (leave empty when it is the sampled producer)</source>
      <translation>标称生产企业（与被抽样生产企业相同时可不填）</translation>
    </message>
    <message>
      <source>Sampled seller</source>
      <translation>被抽样销售者</translation>
    </message>
    <message>
      <source>Nominal producer</source>
      <translation>标称生产企业</translation>
    </message>
    <message>
      <source>Sampled online seller</source>
      <translation>被抽样网店经营者</translation>
    </message>
    <message>
      <source>Saving…</source>
      <translation>正在保存…</translation>
    </message>
    <message>
      <source>Changed by someone else</source>
      <translation>已被他人修改</translation>
    </message>
    <message>
      <source>Reload the sample? What you typed here will be replaced.</source>
      <translation>重新载入该样品？此处已填写的内容将被替换。</translation>
    </message>
    <message>
      <source>Possible duplicate</source>
      <translation>可能重复登记</translation>
    </message>
    <message>
      <source>Register anyway</source>
      <translation>仍然登记</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>Why is this sample not a duplicate of %1? The reason is kept in the sample's notes.</source>
      <translation>为什么这不是样品 %1 的重复登记？原因将记入本样品的备注。</translation>
    </message>
    <message>
      <source>Saved sample {number}.</source>
      <translation>已保存样品 {number}。</translation>
    </message>
    <message>
      <source>Discard changes</source>
      <translation>放弃修改</translation>
    </message>
    <message>
      <source>Close the form and discard what was typed?</source>
      <translation>关闭抽样单并放弃已填写的内容？</translation>
    </message>
  </context>
  <context>
    <name>SampleTableModel</name>
    <message>
      <source>Sample no.</source>
      <translation>样品编号</translation>
    </message>
    <message>
      <source>Task</source>
      <translation>任务</translation>
    </message>
    <message>
      <source>Product</source>
      <translation>产品</translation>
    </message>
    <message>
      <source>Brand</source>
      <translation>商标</translation>
    </message>
    <message>
      <source>Batch no.</source>
      <translation>批号</translation>
    </message>
    <message>
      <source>Place type</source>
      <translation>抽样场所类型</translation>
    </message>
    <message>
      <source>Sampled party</source>
      <translation>被抽样单位</translation>
    </message>
    <message>
      <source>Sampling date</source>
      <translation>抽样日期</translation>
    </message>
    <message>
      <source>Received on</source>
      <translation>收样日期</translation>
    </message>
    <message>
      <source>Received</source>
      <translation>已收样</translation>
    </message>
    <message>
      <source>In testing</source>
      <translation>检验中</translation>
    </message>
    <message>
      <source>Testing completed</source>
      <translation>已完成</translation>
    </message>
    <message>
      <source>Report compiled</source>
      <translation>已编制</translation>
    </message>
    <message>
      <source>Report reviewed</source>
      <translation>已审核</translation>
    </message>
    <message>
      <source>Report approved</source>
      <translation>已批准</translation>
    </message>
    <message>
      <source>Problems were found in the sample</source>
      <translation>该样品发现问题</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Producer</source>
      <translation>生产企业</translation>
    </message>
    <message>
      <source>Physical seller</source>
      <translation>实体销售者</translation>
    </message>
    <message>
      <source>E-commerce platform</source>
      <translation>电商平台</translation>
    </message>
    <message>
      <source>Registered</source>
      <translation>已登记</translation>
    </message>
    <message>
      <source>Reported</source>
      <translation>已报送</translation>
    </message>
    <message>
      <source>Problems were found in this sample.</source>
      <translation>该样品发现问题。</translation>
    </message>
  </context>
  <context>
    <name>SamplesPage</name>
    <message>
      <source>Sampling</source>
      <translation>抽样</translation>
    </message>
    <message>
      <source>New sample</source>
      <translation>新样品</translation>
    </message>
    <message>
      <source>Register a new sample (Ctrl+N)</source>
      <translation>登记新样品（Ctrl+N）</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>打开</translation>
    </message>
    <message>
      <source>Open the selected sample's form (Enter or double-click)</source>
      <translation>打开所选样品的抽样单（回车或双击）</translation>
    </message>
    <message>
      <source>Register another like this</source>
      <translation>登记同类样品</translation>
    </message>
    <message>
      <source>A new form filled from the selected sample (Ctrl+Shift+N)</source>
      <translation>以所选样品为模板新开抽样单（Ctrl+Shift+N）</translation>
    </message>
    <message>
      <source>Receive…</source>
      <translation>收样…</translation>
    </message>
    <message>
      <source>Record that the selected samples arrived at the lab, and their condition (Ctrl+R)</source>
      <translation>登记所选样品到达本机构的日期及样品状态（Ctrl+R）</translation>
    </message>
    <message>
      <source>Go to testing</source>
      <translation>转到检验</translation>
    </message>
    <message>
      <source>Enter the results of the selected sample (Ctrl+T)</source>
      <translation>录入所选样品的检验结果（Ctrl+T）</translation>
    </message>
    <message>
      <source>Copy sample number</source>
      <translation>复制样品编号</translation>
    </message>
    <message>
      <source>Copy the selected sample numbers to the clipboard</source>
      <translation>将所选样品编号复制到剪贴板</translation>
    </message>
    <message>
      <source>Print labels…</source>
      <translation>打印标签…</translation>
    </message>
    <message>
      <source>Print labels of the selected samples: number as QR and bar code, product, task and sampling date (Ctrl+Shift+P)</source>
      <translation>打印所选样品的标签：样品编号的二维码和条形码、产品名称、任务和抽样日期（Ctrl+Shift+P）</translation>
    </message>
    <message>
      <source>Find</source>
      <translation>查找</translation>
    </message>
    <message>
      <source>Search the list (Ctrl+F)</source>
      <translation>搜索列表（Ctrl+F）</translation>
    </message>
    <message>
      <source>Import from Excel…</source>
      <translation>从 Excel 导入…</translation>
    </message>
    <message>
      <source>Register the samples of a filled-in sampling template into the task chosen in the list: all rows or none</source>
      <translation>把填好的抽样信息模板中的样品登记到列表中所选的任务：全部正确才导入</translation>
    </message>
    <message>
      <source>Search number, product, brand, batch or enterprise (Ctrl+F)</source>
      <translation>搜索编号、产品、商标、批号或企业（Ctrl+F）</translation>
    </message>
    <message>
      <source>All tasks</source>
      <translation>全部任务</translation>
    </message>
    <message>
      <source>All statuses</source>
      <translation>全部状态</translation>
    </message>
    <message>
      <source>All place types</source>
      <translation>全部场所类型</translation>
    </message>
    <message>
      <source>Sampled from</source>
      <translation>抽样日期自</translation>
    </message>
    <message>
      <source>to</source>
      <translation>至</translation>
    </message>
    <message>
      <source>The end date is before the start date.</source>
      <translation>结束日期早于开始日期。</translation>
    </message>
    <message>
      <source>Searching…</source>
      <translation>正在查询…</translation>
    </message>
    <message numerus="yes">
      <source>%n sample(s)</source>
      <translation>
        <numerusform>共 %n 个样品</numerusform>
      </translation>
    </message>
    <message>
      <source>Choose the task to import into in the task list first.</source>
      <translation>请先在任务列表中选择要导入的任务。</translation>
    </message>
    <message>
      <source>Import sampling records</source>
      <translation>导入抽样信息</translation>
    </message>
    <message>
      <source>Excel files (*.xlsx)</source>
      <translation>Excel 文件 (*.xlsx)</translation>
    </message>
    <message numerus="yes">
      <source>Imported %n sample(s) into task %1.</source>
      <translation>
        <numerusform>已导入 %n 个样品到任务 %1。</numerusform>
      </translation>
    </message>
    <message>
      <source>Making labels…</source>
      <translation>正在生成标签…</translation>
    </message>
    <message>
      <source>The labels could not be sent to the printer.</source>
      <translation>标签未能发送到打印机。</translation>
    </message>
    <message>
      <source>No printer found: save the labels as PDF</source>
      <translation>未找到打印机，请将标签保存为 PDF</translation>
    </message>
    <message>
      <source>Could not write %1: %2</source>
      <translation>无法写入 %1：%2</translation>
    </message>
    <message>
      <source>Print labels</source>
      <translation>打印标签</translation>
    </message>
    <message>
      <source>No printer found: the labels were saved as a PDF instead: %1</source>
      <translation>未找到打印机，已改为保存 PDF：%1</translation>
    </message>
    <message>
      <source>PDF files (*.pdf)</source>
      <translation>PDF 文件 (*.pdf)</translation>
    </message>
  </context>
  <context>
    <name>SamplingImport</name>
    <message>
      <source>Reading and checking the sampling file…</source>
      <translation>正在读取并检查抽样文件…</translation>
    </message>
    <message>
      <source>Check before importing</source>
      <translation>导入前请核对</translation>
    </message>
    <message numerus="yes">
      <source>%n sample(s) are ready to import into task %1. Please check first:</source>
      <translation>
        <numerusform>%n 个样品待导入任务 %1，请先核对以下提醒：</numerusform>
      </translation>
    </message>
    <message>
      <source>Import anyway?</source>
      <translation>仍然导入？</translation>
    </message>
    <message numerus="yes">
      <source>Registering %n sample(s)…</source>
      <translation>
        <numerusform>正在登记 %n 个样品…</numerusform>
      </translation>
    </message>
    <message>
      <source>Nothing was imported</source>
      <translation>未导入任何数据</translation>
    </message>
    <message numerus="yes">
      <source>… and %n more (see the details)</source>
      <translation>
        <numerusform>……另有 %n 条（见详细信息）</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>SchemeDialog</name>
    <message>
      <source>Scheme (read only)</source>
      <translation>监测方案（只读）</translation>
    </message>
    <message>
      <source>Edit scheme</source>
      <translation>修改方案</translation>
    </message>
    <message>
      <source>New scheme</source>
      <translation>新建方案</translation>
    </message>
    <message>
      <source>Task: %1 %2</source>
      <translation>任务：%1 %2</translation>
    </message>
    <message>
      <source>%1 — %2</source>
      <translation>%1 — %2</translation>
    </message>
    <message>
      <source>the product monitored, e.g. electric kettle</source>
      <translation>监测的产品，如 电热水壶</translation>
    </message>
    <message>
      <source>Product *</source>
      <translation>监测产品 *</translation>
    </message>
    <message>
      <source>Test items</source>
      <translation>检验项目</translation>
    </message>
    <message>
      <source>Test item</source>
      <translation>检验项目</translation>
    </message>
    <message>
      <source>Important performance item</source>
      <translation>重要性能指标</translation>
    </message>
    <message>
      <source>Unit</source>
      <translation>单位</translation>
    </message>
    <message>
      <source>Notes</source>
      <translation>备注</translation>
    </message>
    <message>
      <source>Hazard class</source>
      <translation>危害类别</translation>
    </message>
    <message>
      <source>The hazard class of the item suggests the severity in the risk-level proposal. By default it comes from the hazard class table (by the item's name); choose another where the table does not fit.</source>
      <translation>检验项目的危害类别用于在风险等级建议中提示危害程度。默认按项目名称取自危害类别表；表中类别不适用时请另选。</translation>
    </message>
    <message>
      <source>Add item</source>
      <translation>添加项目</translation>
    </message>
    <message>
      <source>Remove item</source>
      <translation>删除项目</translation>
    </message>
    <message>
      <source>Move up</source>
      <translation>上移</translation>
    </message>
    <message>
      <source>Move down</source>
      <translation>下移</translation>
    </message>
    <message>
      <source>Candidate standards</source>
      <translation>候选标准</translation>
    </message>
    <message>
      <source>Standard code</source>
      <translation>标准编号</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation>类别</translation>
    </message>
    <message>
      <source>Catalog</source>
      <translation>标准库</translation>
    </message>
    <message>
      <source>Add standard</source>
      <translation>添加标准</translation>
    </message>
    <message>
      <source>Remove standard</source>
      <translation>删除标准</translation>
    </message>
    <message>
      <source>History</source>
      <translation>历史记录</translation>
    </message>
    <message>
      <source>Save</source>
      <translation>保存</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>关闭</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>Important</source>
      <translation>重要</translation>
    </message>
    <message>
      <source>By the table</source>
      <translation>按危害类别表</translation>
    </message>
    <message>
      <source>(not classified)</source>
      <translation>（不分类）</translation>
    </message>
    <message>
      <source>Not in the standards catalog</source>
      <translation>不在标准库中</translation>
    </message>
    <message>
      <source>In the catalog</source>
      <translation>在标准库中</translation>
    </message>
    <message>
      <source>Not in the standards catalog: %1. Results cannot be judged against their requirements until the standards are added to the catalog.</source>
      <translation>不在标准库中：%1。在标准库中添加这些标准之前，无法按其技术要求判定结果。</translation>
    </message>
  </context>
  <context>
    <name>SchemeHistory</name>
    <message>
      <source>When</source>
      <translation>时间</translation>
    </message>
    <message>
      <source>Version</source>
      <translation>版本</translation>
    </message>
    <message>
      <source>By</source>
      <translation>人员</translation>
    </message>
    <message>
      <source>Step</source>
      <translation>步骤</translation>
    </message>
    <message>
      <source>Comment or document</source>
      <translation>意见或文件</translation>
    </message>
    <message>
      <source>Document %1</source>
      <translation>文号 %1</translation>
    </message>
    <message>
      <source>dated %1</source>
      <translation>日期 %1</translation>
    </message>
    <message>
      <source>file %1 (double-click to open)</source>
      <translation>文件 %1（双击打开）</translation>
    </message>
  </context>
  <context>
    <name>SchemeSummary</name>
    <message>
      <source>Product: %1 (%2)</source>
      <translation>监测产品：%1（%2）</translation>
    </message>
    <message>
      <source>Test items: %1 (important performance items: %2)</source>
      <translation>检验项目：%1 项（重要性能指标 %2 项）</translation>
    </message>
    <message>
      <source>Candidate standards: %1</source>
      <translation>候选标准：%1</translation>
    </message>
  </context>
  <context>
    <name>SettingsLabels</name>
    <message>
      <source>Technician</source>
      <translation>检验员</translation>
    </message>
    <message>
      <source>Reviewer</source>
      <translation>审核人</translation>
    </message>
    <message>
      <source>Authorised signatory</source>
      <translation>授权签字人</translation>
    </message>
    <message>
      <source>Administrator</source>
      <translation>管理员</translation>
    </message>
    <message>
      <source>Holiday</source>
      <translation>放假</translation>
    </message>
    <message>
      <source>Adjusted working day</source>
      <translation>调休上班</translation>
    </message>
    <message>
      <source>Entered by the lab</source>
      <translation>本机构录入</translation>
    </message>
    <message>
      <source>State Council notice (shipped)</source>
      <translation>国务院办公厅通知（随程序提供）</translation>
    </message>
    <message>
      <source>Statutory holidays (provisional)</source>
      <translation>按法定节假日推定（暂定）</translation>
    </message>
    <message>
      <source>Statutory holiday (notice complete)</source>
      <translation>法定节假日（该年通知已完整录入）</translation>
    </message>
    <message>
      <source>Official</source>
      <translation>官方</translation>
    </message>
    <message>
      <source>Entered (complete)</source>
      <translation>已录入（完整）</translation>
    </message>
    <message>
      <source>Entered (incomplete, provisional)</source>
      <translation>已录入（不完整，暂定）</translation>
    </message>
    <message>
      <source>Presumed (provisional)</source>
      <translation>推定（暂定）</translation>
    </message>
    <message>
      <source>Monday</source>
      <translation>星期一</translation>
    </message>
    <message>
      <source>Tuesday</source>
      <translation>星期二</translation>
    </message>
    <message>
      <source>Wednesday</source>
      <translation>星期三</translation>
    </message>
    <message>
      <source>Thursday</source>
      <translation>星期四</translation>
    </message>
    <message>
      <source>Friday</source>
      <translation>星期五</translation>
    </message>
    <message>
      <source>Saturday</source>
      <translation>星期六</translation>
    </message>
    <message>
      <source>Sunday</source>
      <translation>星期日</translation>
    </message>
  </context>
  <context>
    <name>SettingsPage</name>
    <message>
      <source>Settings</source>
      <extracomment>what the user may change in each section, and why not (the permission model)</extracomment>
      <translation>设置</translation>
    </message>
    <message>
      <source>Lab-wide settings can only be changed by an administrator.</source>
      <translation>全机构的设置只有管理员可以修改。</translation>
    </message>
    <message>
      <source>Lab</source>
      <translation>本机构</translation>
    </message>
    <message>
      <source>Marks and signatures</source>
      <translation>印章与签名</translation>
    </message>
    <message>
      <source>Users</source>
      <translation>用户</translation>
    </message>
    <message>
      <source>My account</source>
      <translation>我的账号</translation>
    </message>
    <message>
      <source>Working calendar</source>
      <translation>工作日历</translation>
    </message>
    <message>
      <source>Numbering</source>
      <translation>编号规则</translation>
    </message>
    <message>
      <source>Provincial system</source>
      <translation>省级系统</translation>
    </message>
    <message>
      <source>Signing key</source>
      <translation>签章密钥</translation>
    </message>
    <message>
      <source>Audit and integrity</source>
      <translation>审计与完整性</translation>
    </message>
    <message>
      <source>Language</source>
      <translation>语言</translation>
    </message>
    <message>
      <source>number on the CMA certificate</source>
      <translation>CMA 证书上的编号</translation>
    </message>
    <message>
      <source>Lab name *</source>
      <translation>机构名称 *</translation>
    </message>
    <message>
      <source>CMA certificate number</source>
      <translation>CMA 证书编号</translation>
    </message>
    <message>
      <source>Address</source>
      <translation>地址</translation>
    </message>
    <message>
      <source>Telephone</source>
      <translation>电话</translation>
    </message>
    <message>
      <source>Save lab details</source>
      <translation>保存机构信息</translation>
    </message>
    <message>
      <source>Saved.</source>
      <translation>已保存。</translation>
    </message>
    <message>
      <source>Users and roles</source>
      <translation>用户和角色</translation>
    </message>
    <message>
      <source>User name</source>
      <translation>用户名</translation>
    </message>
    <message>
      <source>Full name</source>
      <translation>姓名</translation>
    </message>
    <message>
      <source>Roles</source>
      <translation>角色</translation>
    </message>
    <message>
      <source>Active</source>
      <translation>启用</translation>
    </message>
    <message>
      <source>Last sign-in</source>
      <translation>最近登录</translation>
    </message>
    <message>
      <source>Add user</source>
      <translation>添加用户</translation>
    </message>
    <message>
      <source>Edit user</source>
      <translation>修改用户</translation>
    </message>
    <message>
      <source>Reset password</source>
      <translation>重置密码</translation>
    </message>
    <message>
      <source>Signed in as %1 (%2). Roles: %3</source>
      <translation>当前登录：%1（%2）。角色：%3</translation>
    </message>
    <message>
      <source>Current password</source>
      <translation>当前密码</translation>
    </message>
    <message>
      <source>New password (at least 8 characters)</source>
      <translation>新密码（至少 8 位）</translation>
    </message>
    <message>
      <source>New password again</source>
      <translation>再次输入新密码</translation>
    </message>
    <message>
      <source>Change my password</source>
      <translation>修改我的密码</translation>
    </message>
    <message>
      <source>Locked sign-ins</source>
      <translation>登录锁定</translation>
    </message>
    <message>
      <source>After 5 wrong passwords in a row a user name is locked for a while, longer after each further failure, on every workstation. Unlock it once you know who it was.</source>
      <translation>同一用户名连续 5 次密码错误后将被锁定一段时间，此后每失败一次锁定时间加倍，所有工作站均受限制。查明原因后可在此解除锁定。</translation>
    </message>
    <message>
      <source>Failed attempts</source>
      <translation>连续失败次数</translation>
    </message>
    <message>
      <source>Locked until</source>
      <translation>锁定至</translation>
    </message>
    <message>
      <source>Unlock sign-in</source>
      <translation>解除锁定</translation>
    </message>
    <message>
      <source>Not now (locked again at the next failure)</source>
      <translation>当前未锁定（再失败一次即重新锁定）</translation>
    </message>
    <message>
      <source>%1 can sign in again.</source>
      <translation>%1 已可重新登录。</translation>
    </message>
    <message>
      <source>The two new passwords differ.</source>
      <translation>两次输入的新密码不一致。</translation>
    </message>
    <message>
      <source>Your password was changed.</source>
      <translation>密码已修改。</translation>
    </message>
    <message>
      <source>Yes</source>
      <translation>是</translation>
    </message>
    <message>
      <source>No</source>
      <translation>否</translation>
    </message>
    <message>
      <source>Year</source>
      <translation>年份</translation>
    </message>
    <message>
      <source>Holiday notice</source>
      <translation>放假通知</translation>
    </message>
    <message>
      <source>Date</source>
      <translation>日期</translation>
    </message>
    <message>
      <source>Weekday</source>
      <translation>星期</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation>类别</translation>
    </message>
    <message>
      <source>Source</source>
      <translation>来源</translation>
    </message>
    <message>
      <source>Holiday name</source>
      <translation>节日名称</translation>
    </message>
    <message>
      <source>Notice number</source>
      <translation>通知文号</translation>
    </message>
    <message>
      <source>Add day…</source>
      <translation>添加日期…</translation>
    </message>
    <message>
      <source>Remove day</source>
      <translation>删除日期</translation>
    </message>
    <message>
      <source>Only days entered by the lab can be removed</source>
      <translation>只能删除本机构录入的日期</translation>
    </message>
    <message>
      <source>Import a year's notice…</source>
      <translation>导入年度放假通知…</translation>
    </message>
    <message>
      <source>CSV (date,kind,name) or JSON list; every line is checked and nothing is imported if one is bad</source>
      <translation>CSV（date,kind,name）或 JSON 列表；逐行检查，任何一行有误则全部不导入</translation>
    </message>
    <message>
      <source>The file is the whole notice</source>
      <translation>文件为该年完整通知</translation>
    </message>
    <message>
      <source>Mark the notice's year complete after the import: its deadlines are then no longer provisional</source>
      <translation>导入后把通知所属年份标记为已完整录入：该年的期限不再暂定</translation>
    </message>
    <message>
      <source>Notice entered completely</source>
      <translation>通知已完整录入</translation>
    </message>
    <message>
      <source>Every holiday and adjusted working day of the year's State Council notice is entered: the year is no longer provisional</source>
      <translation>该年国务院办公厅放假通知中的放假和调休上班日期已全部录入：该年不再暂定</translation>
    </message>
    <message>
      <source>Only part of the %1 notice is entered: the entered days count, the other holidays are presumed and deadlines stay provisional. Mark the notice complete once every day of it is entered.</source>
      <translation>%1 年的放假通知只录入了一部分：已录入的日期生效，其余节假日仍为推定，期限仍为暂定。全部日期录入后，请标记为“通知已完整录入”。</translation>
    </message>
    <message>
      <source>No official holiday notice for %1 yet: the statutory holidays are assumed and deadlines are provisional. Import the notice when it is published.</source>
      <translation>%1 年的放假安排通知尚未发布：暂按法定节假日推定，期限为暂定。通知发布后请导入。</translation>
    </message>
    <message>
      <source>Holidays and adjusted working days of %1 (weekends not listed).</source>
      <translation>%1 年的放假和调休上班日期（普通周末不列出）。</translation>
    </message>
    <message>
      <source>Notice not complete</source>
      <translation>通知未完整录入</translation>
    </message>
    <message>
      <source>Withdraw the mark: deadlines depending on the year become provisional again</source>
      <translation>取消标记：依赖该年的期限恢复为暂定</translation>
    </message>
    <message>
      <source>Remove %1 from the lab's calendar entries?</source>
      <translation>从本机构录入的日历中删除 %1？</translation>
    </message>
    <message>
      <source>Is every holiday and adjusted working day of the %1 State Council notice entered? Deadlines depending on %1 will no longer be provisional.</source>
      <translation>%1 年国务院办公厅放假通知中的放假和调休上班日期是否已全部录入？确认后，依赖 %1 年的期限不再暂定。</translation>
    </message>
    <message>
      <source>Mark the %1 notice as not completely entered? Deadlines depending on %1 become provisional again.</source>
      <translation>把 %1 年的放假通知改为未完整录入？依赖 %1 年的期限将恢复为暂定。</translation>
    </message>
    <message>
      <source>Import a holiday notice</source>
      <translation>导入放假安排通知</translation>
    </message>
    <message>
      <source>Calendar files (*.csv *.json);;All files (*)</source>
      <translation>日历文件 (*.csv *.json);;所有文件 (*)</translation>
    </message>
    <message>
      <source>The notice of %1 is marked complete.</source>
      <translation>%1 年的放假通知已标记为完整录入。</translation>
    </message>
    <message>
      <source>The notice of %1 is shipped with the program (official).</source>
      <translation>%1 年的放假通知已随程序提供（官方）。</translation>
    </message>
    <message>
      <source>Calendar imported</source>
      <translation>日历已导入</translation>
    </message>
    <message numerus="yes">
      <source>%n day(s) imported.</source>
      <translation>
        <numerusform>已导入 %n 天。</numerusform>
      </translation>
    </message>
    <message>
      <source>Calendar import rejected</source>
      <translation>日历导入被拒绝</translation>
    </message>
    <message>
      <source>Nothing was imported. Fix every line listed below and import the file again.</source>
      <translation>未导入任何数据。请修改下列各行后重新导入。</translation>
    </message>
    <message>
      <source>Sample number pattern</source>
      <translation>样品编号规则</translation>
    </message>
    <message>
      <source>Example</source>
      <translation>示例</translation>
    </message>
    <message>
      <source>Report number pattern</source>
      <translation>报告编号规则</translation>
    </message>
    <message>
      <source>Placeholders: {task} task number, {seq:04d} running number (per task for samples, per year for reports, 4 digits), {year}, {month:02d}, {day:02d} (sampling date). A sample pattern needs {task} and {seq}; a report pattern needs {year} and {seq}, so that numbers never repeat.</source>
      <translation>可用占位符：{task} 任务编号，{seq:04d} 顺序号（样品按任务、报告按年度计数，4 位），{year}、{month:02d}、{day:02d}（抽样日期）。样品编号规则须含 {task} 和 {seq}，报告编号规则须含 {year} 和 {seq}，以免编号重复。</translation>
    </message>
    <message>
      <source>Save patterns</source>
      <translation>保存编号规则</translation>
    </message>
    <message>
      <source>Final results and analysis reports are uploaded to the Hubei product quality safety supervision information system.</source>
      <translation>最终结果和分析报告上报至湖北省产品质量安全监督管理信息系统。</translation>
    </message>
    <message>
      <source>Address of the provincial system</source>
      <translation>省级系统地址</translation>
    </message>
    <message>
      <source>User name at the provincial system</source>
      <translation>省级系统用户名</translation>
    </message>
    <message>
      <source>Save connection</source>
      <translation>保存连接设置</translation>
    </message>
    <message>
      <source>Password of the provincial system</source>
      <translation>省级系统密码</translation>
    </message>
    <message>
      <source>Checking the system keyring…</source>
      <translation>正在检查系统密码库…</translation>
    </message>
    <message>
      <source>Password</source>
      <translation>密码</translation>
    </message>
    <message>
      <source>Save password to the system keyring</source>
      <translation>将密码保存到系统密码库</translation>
    </message>
    <message>
      <source>The system keyring cannot be used: %1</source>
      <translation>无法使用系统密码库：%1</translation>
    </message>
    <message>
      <source>The password is kept in the system keyring of this computer (%1), never in the database.</source>
      <translation>密码保存在本机的系统密码库（%1）中，不会存入数据库。</translation>
    </message>
    <message>
      <source>The password was saved to the system keyring.</source>
      <translation>密码已保存到系统密码库。</translation>
    </message>
    <message>
      <source>Interface language</source>
      <translation>界面语言</translation>
    </message>
    <message>
      <source>The language is kept on this computer and applied the next time Riskmon starts.</source>
      <translation>界面语言保存在本机，下次启动 Riskmon 时生效。</translation>
    </message>
    <message>
      <source>Saved: Riskmon will start in %1 next time.</source>
      <translation>已保存：Riskmon 下次启动时使用%1。</translation>
    </message>
  </context>
  <context>
    <name>SignDialog</name>
    <message>
      <source>Reviewed: pass it on for approval</source>
      <translation>审核通过，提交批准</translation>
    </message>
    <message>
      <source>Return it to the compiler</source>
      <translation>退回编制人</translation>
    </message>
    <message>
      <source>Decision</source>
      <translation>审核结论</translation>
    </message>
    <message>
      <source>Your decision</source>
      <translation>您的决定</translation>
    </message>
    <message>
      <source>Comment</source>
      <translation>意见</translation>
    </message>
    <message>
      <source>Required when returning the report</source>
      <translation>退回报告时必须填写</translation>
    </message>
    <message>
      <source>Required when refusing</source>
      <translation>退回时必须填写</translation>
    </message>
    <message>
      <source>Write the comment for the compiler when returning the report.</source>
      <translation>退回报告时请写明给编制人的意见。</translation>
    </message>
  </context>
  <context>
    <name>SigningKey</name>
    <message>
      <source>Remember the password on this computer</source>
      <translation>在本机记住密码</translation>
    </message>
    <message>
      <source>The password is kept in the system keyring of this computer (never in the database); the key is then unlocked without asking. Leave it off on a shared computer.</source>
      <translation>密码保存在本机的系统密码库中（从不存入数据库），以后无需再输入即可解锁密钥。多人共用的电脑上请不要勾选。</translation>
    </message>
    <message>
      <source>%1 The key is unlocked for this session only.</source>
      <translation>%1 签章密钥仅在本次会话中解锁。</translation>
    </message>
    <message>
      <source>Demo key</source>
      <translation>演示密钥</translation>
    </message>
    <message>
      <source>Self-signed</source>
      <translation>自签名</translation>
    </message>
    <message>
      <source>CA-issued certificate</source>
      <translation>CA 签发证书</translation>
    </message>
  </context>
  <context>
    <name>SigningKeyTab</name>
    <message>
      <source>Test reports, notices, analysis reports and export packages are signed with the lab's signing key when they are issued, so that anyone can verify that a document came from the lab unchanged.</source>
      <translation>检验报告、告知书、分析报告和导出包在签发时用本机构的签章密钥进行数字签名，任何人都能核验文件确由本机构签发且未被改动。</translation>
    </message>
    <message>
      <source>Active signing key</source>
      <translation>在用签章密钥</translation>
    </message>
    <message>
      <source>The lab has no signing key yet: documents are issued unsigned (marked 未签名). An administrator can generate a key or import a certificate.</source>
      <translation>本机构还没有签章密钥：签发的文件不带数字签名（标注“未签名”）。管理员可以生成密钥或导入证书。</translation>
    </message>
    <message>
      <source>Holder</source>
      <translation>持有者</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation>类别</translation>
    </message>
    <message>
      <source>Valid</source>
      <translation>有效期</translation>
    </message>
    <message>
      <source>Fingerprint (SHA-256)</source>
      <translation>指纹（SHA-256）</translation>
    </message>
    <message>
      <source>On this computer</source>
      <translation>本机状态</translation>
    </message>
    <message>
      <source>This is a demo key (演示): documents it signs are marked as demonstrations and must not be used as real reports. Generate the lab's own key or import its certificate before issuing real reports.</source>
      <translation>这是演示密钥：它签名的文件标为演示，不得用于签署正式报告。签发正式报告前，请生成本机构自己的密钥或导入本机构的证书。</translation>
    </message>
    <message>
      <source>Generate key…</source>
      <translation>生成密钥…</translation>
    </message>
    <message>
      <source>Import certificate…</source>
      <translation>导入证书…</translation>
    </message>
    <message>
      <source>Unlock…</source>
      <translation>解锁…</translation>
    </message>
    <message>
      <source>Generate a self-signed key naming the lab and its CMA number</source>
      <translation>生成写明机构名称和 CMA 证书编号的自签名密钥</translation>
    </message>
    <message>
      <source>Import a certificate issued by a certification authority (.p12/.pfx)</source>
      <translation>导入认证机构（CA）签发的证书（.p12/.pfx）</translation>
    </message>
    <message>
      <source>Earlier keys</source>
      <translation>以前的密钥</translation>
    </message>
    <message>
      <source>Kept so that documents they signed can still be verified; they sign nothing new.</source>
      <translation>保留以便核验它们签过的文件；不再用于签名。</translation>
    </message>
    <message>
      <source>Valid from</source>
      <translation>生效日期</translation>
    </message>
    <message>
      <source>Valid until</source>
      <translation>失效日期</translation>
    </message>
    <message>
      <source>Fingerprint</source>
      <translation>指纹</translation>
    </message>
    <message>
      <source>The lab has no signing key to unlock.</source>
      <translation>本机构还没有可解锁的签章密钥。</translation>
    </message>
    <message>
      <source>%1 to %2</source>
      <translation>%1 至 %2</translation>
    </message>
    <message>
      <source>Unlocked: documents issued here are signed with it.</source>
      <translation>已解锁：在本机签发的文件用它签名。</translation>
    </message>
    <message>
      <source>Unlocked already; unlock again to remember the password on this computer</source>
      <translation>已经解锁；再次解锁可在本机记住密码</translation>
    </message>
    <message>
      <source>Locked: its password is asked for before the next document is issued.</source>
      <translation>未解锁：签发下一份文件前会要求输入密码。</translation>
    </message>
    <message>
      <source>Type the key's password to unlock it on this computer</source>
      <translation>输入密钥密码，在本机解锁签章密钥</translation>
    </message>
    <message>
      <source>The signing key was generated and is the active key.</source>
      <translation>签章密钥已生成，并已成为在用密钥。</translation>
    </message>
    <message>
      <source>The certificate was imported and is the active key.</source>
      <translation>证书已导入，并已成为在用密钥。</translation>
    </message>
    <message>
      <source>The signing key is unlocked; its password is remembered on this computer.</source>
      <translation>签章密钥已解锁，密码已在本机记住。</translation>
    </message>
    <message>
      <source>The signing key is unlocked until Riskmon is closed.</source>
      <translation>签章密钥已解锁，直到关闭 Riskmon 为止。</translation>
    </message>
  </context>
  <context>
    <name>StandardDialog</name>
    <message>
      <source>Standard (read only)</source>
      <translation>标准（只读）</translation>
    </message>
    <message>
      <source>Edit standard</source>
      <translation>修改标准</translation>
    </message>
    <message>
      <source>New version of a standard</source>
      <translation>新增标准版本</translation>
    </message>
    <message>
      <source>New standard</source>
      <translation>新增标准</translation>
    </message>
    <message>
      <source>with its year, e.g. GB 4706.19-2008</source>
      <translation>带年代号，如 GB 4706.19-2008</translation>
    </message>
    <message>
      <source>Standard code *</source>
      <translation>标准编号 *</translation>
    </message>
    <message>
      <source>Title</source>
      <translation>名称</translation>
    </message>
    <message>
      <source>Effective from</source>
      <translation>实施日期</translation>
    </message>
    <message>
      <source>Abolished on (empty while current)</source>
      <translation>废止日期（现行有效的不填）</translation>
    </message>
    <message>
      <source>Items, requirements and methods</source>
      <translation>检验项目、技术要求和检验方法</translation>
    </message>
    <message>
      <source>Test item</source>
      <translation>检验项目</translation>
    </message>
    <message>
      <source>Clause</source>
      <translation>条款</translation>
    </message>
    <message>
      <source>Requirement</source>
      <translation>技术要求</translation>
    </message>
    <message>
      <source>Limit</source>
      <translation>限值</translation>
    </message>
    <message>
      <source>Grade</source>
      <translation>等级</translation>
    </message>
    <message>
      <source>Lower limit</source>
      <translation>下限</translation>
    </message>
    <message>
      <source>Unit</source>
      <translation>单位</translation>
    </message>
    <message>
      <source>Text requirement</source>
      <translation>文字要求</translation>
    </message>
    <message>
      <source>Method standard</source>
      <translation>检验方法标准</translation>
    </message>
    <message>
      <source>Upper limit</source>
      <translation>上限</translation>
    </message>
    <message>
      <source>Method clause</source>
      <translation>方法条款</translation>
    </message>
    <message>
      <source>Empty: the general requirement. A grade (e.g. 合格品): that grade's requirement, chosen when the product declares the standard with the grade</source>
      <translation>留空：通用要求。选择等级（如 合格品）：该等级的要求，产品明示标准带有该等级时采用</translation>
    </message>
    <message>
      <source>Add item</source>
      <translation>添加项目</translation>
    </message>
    <message>
      <source>Remove item</source>
      <translation>删除项目</translation>
    </message>
    <message>
      <source>Save</source>
      <translation>保存</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>关闭</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
  </context>
  <context>
    <name>StringListEdit</name>
    <message>
      <source>Add</source>
      <extracomment>statuses after which the sampling record is frozen (update_sample refuses) what "register another like this one" clears: the things that differ from sample to sample</extracomment>
      <translation>添加</translation>
    </message>
    <message>
      <source>Remove</source>
      <translation>删除</translation>
    </message>
  </context>
  <context>
    <name>SubmissionDialog</name>
    <message>
      <source>Record sending</source>
      <translation>登记报送</translation>
    </message>
    <message>
      <source>Monthly report %1 was sent: when, to whom, how, and the receipt if there is one.</source>
      <translation>登记月报 %1 的报送：日期、报送对象、方式，以及回执（如有）。</translation>
    </message>
    <message>
      <source>Record</source>
      <translation>登记</translation>
    </message>
    <message>
      <source>E-mail</source>
      <translation>电子邮件</translation>
    </message>
    <message>
      <source>Uploaded to the provincial system</source>
      <translation>上传省级系统</translation>
    </message>
    <message>
      <source>Post</source>
      <translation>邮寄</translation>
    </message>
    <message>
      <source>By hand</source>
      <translation>当面送达</translation>
    </message>
    <message>
      <source>Other</source>
      <translation>其他</translation>
    </message>
    <message>
      <source>Sent on</source>
      <translation>报送日期</translation>
    </message>
    <message>
      <source>Sent to</source>
      <translation>报送对象</translation>
    </message>
    <message>
      <source>Method</source>
      <translation>报送方式</translation>
    </message>
    <message>
      <source>Receipt</source>
      <translation>回执</translation>
    </message>
    <message>
      <source>Please enter to whom it was sent.</source>
      <translation>请填写报送对象。</translation>
    </message>
  </context>
  <context>
    <name>SyncPage</name>
    <message>
      <source>Upload to the provincial system</source>
      <extracomment>the list's columns, in order (tests find cells by these names)</extracomment>
      <translation>上报同步</translation>
    </message>
    <message>
      <source>All</source>
      <translation>全部</translation>
    </message>
    <message>
      <source>Not yet delivered</source>
      <translation>尚未完成</translation>
    </message>
    <message>
      <source>Needs attention</source>
      <translation>需人工处理</translation>
    </message>
    <message>
      <source>Done</source>
      <translation>已完成</translation>
    </message>
    <message>
      <source>Which uploads to list</source>
      <translation>选择列出哪些上传记录</translation>
    </message>
    <message>
      <source>Sync now</source>
      <translation>立即上传</translation>
    </message>
    <message>
      <source>Send everything that is due to the provincial system now</source>
      <translation>立即把所有到期的内容上传到省级系统</translation>
    </message>
    <message>
      <source>Retry</source>
      <translation>重新上传</translation>
    </message>
    <message>
      <source>Send the selected upload again at once</source>
      <translation>立即重新上传所选记录</translation>
    </message>
    <message>
      <source>Cancel upload</source>
      <translation>取消上传</translation>
    </message>
    <message>
      <source>Take the selected upload out of the queue</source>
      <translation>把所选记录移出上传队列</translation>
    </message>
    <message>
      <source>Export for upload by hand…</source>
      <translation>导出供手工上传…</translation>
    </message>
    <message>
      <source>Write the package to a folder, to upload it through the provincial web portal</source>
      <translation>把上传包写入文件夹，以便通过省级系统网页手工上传</translation>
    </message>
    <message>
      <source>Confirm upload by hand…</source>
      <translation>确认已手工上传…</translation>
    </message>
    <message>
      <source>Record that the package was uploaded through the portal, with its receipt number</source>
      <translation>登记该上传包已通过省级系统网页上传及其回执编号</translation>
    </message>
    <message>
      <source>Password…</source>
      <translation>密码…</translation>
    </message>
    <message>
      <source>Enter the password of the provincial system for this session</source>
      <translation>输入省级系统密码（本次运行有效）</translation>
    </message>
    <message>
      <source>No.</source>
      <translation>序号</translation>
    </message>
    <message>
      <source>Task</source>
      <translation>任务</translation>
    </message>
    <message>
      <source>Content</source>
      <translation>上传内容</translation>
    </message>
    <message>
      <source>Report no.</source>
      <translation>报告编号</translation>
    </message>
    <message>
      <source>Sample no.</source>
      <translation>样品编号</translation>
    </message>
    <message>
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Tries</source>
      <translation>次数</translation>
    </message>
    <message>
      <source>Time</source>
      <translation>时间</translation>
    </message>
    <message>
      <source>Last error / note</source>
      <translation>最近错误／说明</translation>
    </message>
    <message>
      <source>Attempts</source>
      <translation>尝试次数</translation>
    </message>
    <message>
      <source>Next attempt: %1</source>
      <translation>下次尝试：%1</translation>
    </message>
    <message>
      <source>Accepted: %1</source>
      <translation>接收时间：%1</translation>
    </message>
    <message>
      <source>Waiting %1 · sending %2 · accepted %3 · failed %4 (needing attention %5) · uploaded by hand %6 · cancelled %7 · superseded %8</source>
      <translation>待上传 %1 · 上传中 %2 · 已接收 %3 · 失败 %4（需人工处理 %5） · 已手工上传 %6 · 已取消 %7 · 已被替代 %8</translation>
    </message>
    <message>
      <source>sample %1</source>
      <translation>样品 %1</translation>
    </message>
    <message>
      <source>Receipt no.</source>
      <translation>回执编号</translation>
    </message>
    <message>
      <source>Last error</source>
      <translation>最近错误</translation>
    </message>
    <message>
      <source>Selected upload</source>
      <translation>所选上传记录</translation>
    </message>
    <message>
      <source>Task, report, sample or receipt no.</source>
      <translation>任务、报告、样品或回执编号</translation>
    </message>
    <message>
      <source>Show the uploads whose task, report, sample or receipt number (or content) matches</source>
      <translation>显示任务、报告、样品或回执编号（或上传内容）相符的上传项</translation>
    </message>
    <message>
      <source>Final results and analysis reports are also uploaded to the Hubei product quality safety supervision information system (Article 18). Approving a report queues it here: a test report with its sample's notices, or the task's analysis report; each is recorded once by the province, however often it is sent.</source>
      <translation>最终风险监测结果和分析报告还应同时上传“湖北省产品质量安全监督管理信息系统”（第十八条）。报告批准后即加入此处的队列：检验报告连同其样品的告知书，或任务的分析报告；同一上传项无论发送多少次，省级系统只记录一次。</translation>
    </message>
    <message>
      <source>The next attempt while waiting; the time the province accepted it once accepted</source>
      <translation>等待上传时为下次尝试时间；被接收后为省级系统接收的时间</translation>
    </message>
    <message>
      <source>Approved report</source>
      <translation>批准的报告</translation>
    </message>
    <message>
      <source>Upload key</source>
      <translation>上传编号（幂等键）</translation>
    </message>
    <message>
      <source>Note</source>
      <translation>说明</translation>
    </message>
    <message>
      <source>Export for upload by hand</source>
      <translation>导出供手工上传</translation>
    </message>
    <message>
      <source>No address of the provincial system is set: enter it in Settings → Provincial system, or export packages for upload by hand.</source>
      <translation>尚未设置省级系统地址：请在“设置 → 省级系统”中填写，或导出上传包手工上传。</translation>
    </message>
    <message>
      <source>Provincial system: %1 · account %2</source>
      <translation>省级系统：%1 · 账号 %2</translation>
    </message>
    <message>
      <source>Background upload is on: due items are sent at once and after every approval.</source>
      <translation>后台上传已开启：到期的内容会立即上传，每次批准后也会立即上传。</translation>
    </message>
    <message>
      <source>Background upload is paused until the password of the provincial system is entered.</source>
      <translation>后台上传已暂停，等待输入省级系统密码。</translation>
    </message>
    <message>
      <source>Background upload is off.</source>
      <translation>后台上传未开启。</translation>
    </message>
    <message>
      <source>The background upload stopped after an unexpected error; the details are in the log file.</source>
      <translation>后台上传因意外错误而停止，详情见日志文件。</translation>
    </message>
    <message>
      <source>The password was saved in the system keyring.</source>
      <translation>密码已保存到系统密码库。</translation>
    </message>
    <message>
      <source>No password entered: nothing is uploaded until you choose Sync now.</source>
      <translation>未输入密码：在点击“立即上传”之前不会上传任何内容。</translation>
    </message>
    <message>
      <source>Set the address of the provincial system in Settings first.</source>
      <translation>请先在“设置”中填写省级系统地址。</translation>
    </message>
    <message>
      <source>Uploading…</source>
      <translation>正在上传…</translation>
    </message>
    <message>
      <source>Queued again: it is sent at the next pass.</source>
      <translation>已重新加入队列，将在下一轮上传。</translation>
    </message>
    <message>
      <source>Take this upload out of the queue? It stays listed as cancelled and can be queued again with Retry.</source>
      <translation>要把该记录移出上传队列吗？它仍会以“已取消”列出，可用“重新上传”再次加入队列。</translation>
    </message>
    <message>
      <source>The upload was cancelled.</source>
      <translation>已取消上传。</translation>
    </message>
    <message>
      <source>Upload package for upload by hand: %1</source>
      <translation>供手工上传的上传包：%1</translation>
    </message>
    <message>
      <source>Written to %1. Upload it through the provincial web portal, then confirm the upload by hand here.</source>
      <translation>已写入 %1。请通过省级系统网页上传，然后在此确认已手工上传。</translation>
    </message>
    <message>
      <source>Recorded as uploaded by hand.</source>
      <translation>已登记为手工上传。</translation>
    </message>
  </context>
  <context>
    <name>TaskDialog</name>
    <message>
      <source>Edit task</source>
      <translation>修改任务</translation>
    </message>
    <message>
      <source>New monitoring task</source>
      <translation>新建监测任务</translation>
    </message>
    <message>
      <source>as on the task letter, e.g. HBFX-2026-DQ-01</source>
      <translation>按任务书填写，如 HBFX-2026-DQ-01</translation>
    </message>
    <message>
      <source>e.g. Hubei Provincial Administration for Market Regulation</source>
      <translation>如 湖北省市场监督管理局</translation>
    </message>
    <message>
      <source>the issuing authority, when left empty</source>
      <translation>留空则为下达任务的部门</translation>
    </message>
    <message>
      <source>Where the notified parties send objections and re-test applications; the test report and the notices name it in the same words.</source>
      <translation>被告知单位提出异议或申请复检的受理单位；检验报告和告知书以相同文字写明。</translation>
    </message>
    <message>
      <source>(not set)</source>
      <translation>（未填写）</translation>
    </message>
    <message>
      <source>Task number *</source>
      <translation>任务编号 *</translation>
    </message>
    <message>
      <source>Task title *</source>
      <translation>任务名称 *</translation>
    </message>
    <message>
      <source>Issuing authority</source>
      <translation>下达部门</translation>
    </message>
    <message>
      <source>Authority level</source>
      <translation>下达部门级别</translation>
    </message>
    <message>
      <source>Objections and re-tests to</source>
      <translation>异议受理单位</translation>
    </message>
    <message>
      <source>Product category</source>
      <translation>产品类别</translation>
    </message>
    <message>
      <source>Plan year</source>
      <translation>计划年度</translation>
    </message>
    <message>
      <source>Batches planned</source>
      <translation>计划批次</translation>
    </message>
    <message>
      <source>Sampling deadline</source>
      <translation>抽样截止日期</translation>
    </message>
    <message>
      <source>Report deadline</source>
      <translation>报告截止日期</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Notes</source>
      <translation>备注</translation>
    </message>
    <message>
      <source>Save</source>
      <translation>保存</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
  </context>
  <context>
    <name>TaskLabels</name>
    <message>
      <source>National</source>
      <extracomment>background and text colour of each warning level colour (Article 19)</extracomment>
      <translation>国家级</translation>
    </message>
    <message>
      <source>Provincial</source>
      <translation>省级</translation>
    </message>
    <message>
      <source>Municipal (prefecture)</source>
      <translation>市（州）级</translation>
    </message>
    <message>
      <source>County</source>
      <translation>县级</translation>
    </message>
    <message>
      <source>Draft</source>
      <translation>草稿</translation>
    </message>
    <message>
      <source>In progress</source>
      <translation>进行中</translation>
    </message>
    <message>
      <source>Closed</source>
      <translation>已关闭</translation>
    </message>
    <message>
      <source>Submitted for review</source>
      <translation>已提交审核</translation>
    </message>
    <message>
      <source>Task finished</source>
      <translation>已完成</translation>
    </message>
    <message>
      <source>Passed internal review</source>
      <translation>已通过内部审核</translation>
    </message>
    <message>
      <source>Returned for changes</source>
      <translation>退回修改</translation>
    </message>
    <message>
      <source>Confirmed by the issuing authority</source>
      <translation>已经任务下达部门确认</translation>
    </message>
    <message>
      <source>Superseded by a revision</source>
      <translation>已被新版本取代</translation>
    </message>
    <message>
      <source>Drafting</source>
      <translation>拟定</translation>
    </message>
    <message>
      <source>Submission for review</source>
      <translation>提交审核</translation>
    </message>
    <message>
      <source>Return for changes</source>
      <translation>退回修改</translation>
    </message>
    <message>
      <source>Internal review passed</source>
      <translation>审核通过</translation>
    </message>
    <message>
      <source>Confirmation by the issuing authority</source>
      <translation>任务下达部门确认</translation>
    </message>
    <message>
      <source>Revision</source>
      <translation>修订</translation>
    </message>
    <message>
      <source>Replaced by the next version</source>
      <translation>被新版本取代</translation>
    </message>
    <message>
      <source>Version %1</source>
      <translation>第%1版</translation>
    </message>
    <message>
      <source>Same or similar product standard</source>
      <translation>同类产品标准</translation>
    </message>
    <message>
      <source>Mandatory standard</source>
      <translation>强制性标准</translation>
    </message>
    <message>
      <source>1 — first aid, reversible</source>
      <translation>1 — 轻微：急救即可，可逆</translation>
    </message>
    <message>
      <source>2 — medical treatment, recovery within about 6 months</source>
      <translation>2 — 需就医：约 6 个月内恢复</translation>
    </message>
    <message>
      <source>3 — hospitalisation or lasting loss of function</source>
      <translation>3 — 住院或功能持久丧失</translation>
    </message>
    <message>
      <source>4 — fatal or could be, or over 10% permanent disability</source>
      <translation>4 — 致命或可能致命，或超过 10% 永久残疾</translation>
    </message>
    <message>
      <source>Normal</source>
      <translation>一般</translation>
    </message>
    <message>
      <source>Urgent (injuries or incidents reported, or hazard rising)</source>
      <translation>紧急（已有伤害或事故报告，或危害呈上升趋势）</translation>
    </message>
    <message>
      <source>Single enterprise or batch</source>
      <translation>单一企业或批次</translation>
    </message>
    <message>
      <source>Regional</source>
      <translation>区域性</translation>
    </message>
    <message>
      <source>Industry-wide or systemic</source>
      <translation>行业性/系统性</translation>
    </message>
    <message>
      <source>New (first found)</source>
      <translation>新发现</translation>
    </message>
    <message>
      <source>Persistent (found again in a later round)</source>
      <translation>持续存在（后续轮次再次发现）</translation>
    </message>
  </context>
  <context>
    <name>TaskTableModel</name>
    <message>
      <source>Task no.</source>
      <translation>任务编号</translation>
    </message>
    <message>
      <source>Title</source>
      <translation>名称</translation>
    </message>
    <message>
      <source>Issuing authority</source>
      <translation>下达部门</translation>
    </message>
    <message>
      <source>Level</source>
      <translation>级别</translation>
    </message>
    <message>
      <source>Year</source>
      <translation>年份</translation>
    </message>
    <message>
      <source>Planned</source>
      <translation>计划批次</translation>
    </message>
    <message>
      <source>Sampled</source>
      <translation>已抽样</translation>
    </message>
    <message>
      <source>Scheme count</source>
      <translation>方案数</translation>
    </message>
    <message>
      <source>Sampling deadline</source>
      <translation>抽样截止日期</translation>
    </message>
    <message>
      <source>Report deadline</source>
      <translation>报告截止日期</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
  </context>
  <context>
    <name>TasksPage</name>
    <message>
      <source>Monitoring tasks</source>
      <extracomment>create / edit tasks, draft schemes: the permission model, with the reason when not</extracomment>
      <translation>监测任务</translation>
    </message>
    <message>
      <source>Tasks and schemes</source>
      <translation>任务与方案</translation>
    </message>
    <message>
      <source>Standards catalog</source>
      <translation>标准库</translation>
    </message>
    <message>
      <source>Filter by number, title, authority or product category</source>
      <translation>按任务编号、名称、下达部门或产品类别筛选</translation>
    </message>
    <message>
      <source>Show closed tasks</source>
      <translation>显示已关闭的任务</translation>
    </message>
    <message>
      <source>New task</source>
      <translation>新建任务</translation>
    </message>
    <message>
      <source>New monitoring task (Ctrl+N)</source>
      <translation>新建监测任务（Ctrl+N）</translation>
    </message>
    <message>
      <source>Edit task</source>
      <translation>修改任务</translation>
    </message>
    <message>
      <source>Edit the selected task (Ctrl+E)</source>
      <translation>修改所选任务（Ctrl+E）</translation>
    </message>
    <message>
      <source>Level</source>
      <translation>级别</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Schemes of the selected task</source>
      <translation>所选任务的监测方案</translation>
    </message>
    <message>
      <source>Product</source>
      <translation>产品</translation>
    </message>
    <message>
      <source>Important</source>
      <translation>重要</translation>
    </message>
    <message>
      <source>Catalog</source>
      <translation>标准库</translation>
    </message>
    <message>
      <source>New scheme</source>
      <translation>新建方案</translation>
    </message>
    <message>
      <source>Edit scheme</source>
      <translation>修改方案</translation>
    </message>
    <message>
      <source>Submit for review</source>
      <translation>提交审核</translation>
    </message>
    <message>
      <source>Proposed by</source>
      <translation>提出人</translation>
    </message>
    <message>
      <source>Risk model</source>
      <translation>分级模型</translation>
    </message>
    <message>
      <source>Proposed risk warning level (Articles 19–20)</source>
      <translation>风险预警等级建议（第十九、二十条）</translation>
    </message>
    <message>
      <source>Version</source>
      <translation>版本</translation>
    </message>
    <message>
      <source>Pass review…</source>
      <translation>审核通过…</translation>
    </message>
    <message>
      <source>Return (comment)…</source>
      <translation>退回（意见）…</translation>
    </message>
    <message>
      <source>Record authority confirmation…</source>
      <translation>登记部门确认…</translation>
    </message>
    <message>
      <source>Revise scheme…</source>
      <translation>修订方案…</translation>
    </message>
    <message>
      <source>Publication</source>
      <translation>发布形式</translation>
    </message>
    <message>
      <source>Proposed on</source>
      <translation>提出时间</translation>
    </message>
    <message>
      <source>Note</source>
      <translation>说明</translation>
    </message>
    <message>
      <source>Propose level…</source>
      <translation>提出等级建议…</translation>
    </message>
    <message>
      <source>Grade the task's risk with the risk model (Ctrl+R)</source>
      <translation>按风险分级模型评定该任务的风险（Ctrl+R）</translation>
    </message>
    <message>
      <source>New monitoring task</source>
      <translation>新建监测任务</translation>
    </message>
    <message>
      <source>Edit the selected task</source>
      <translation>修改所选任务</translation>
    </message>
    <message>
      <source>New scheme for the selected task</source>
      <translation>为所选任务新建方案</translation>
    </message>
    <message>
      <source>Propose a risk level for the selected task</source>
      <translation>为所选任务提出风险等级建议</translation>
    </message>
    <message>
      <source>Filter the tasks</source>
      <translation>筛选任务</translation>
    </message>
    <message>
      <source>%1 (in force)</source>
      <translation>%1（现行）</translation>
    </message>
    <message numerus="yes">
      <source>%n missing</source>
      <translation>
        <numerusform>%n 个不在标准库</numerusform>
      </translation>
    </message>
    <message>
      <source>All in catalog</source>
      <translation>均在标准库中</translation>
    </message>
    <message>
      <source>No scheme yet. A technician drafts the scheme; it passes the internal review and is then confirmed by the authority that issued the task. Samples can be registered once it is confirmed.</source>
      <translation>尚无方案。由检验员拟定方案，经内部审核后报下达任务的部门确认；方案确认后才能登记样品。</translation>
    </message>
    <message>
      <source>Confirmed by the issuing authority: %1, dated %2</source>
      <translation>任务下达部门确认：%1，日期 %2</translation>
    </message>
    <message>
      <source>Samples under this version: %1 (tested or testing: %2)</source>
      <translation>按本版本登记的样品：%1 个（已开始检验：%2 个）</translation>
    </message>
    <message>
      <source>Send the scheme to the internal review (a reviewer other than its drafter).</source>
      <translation>提交内部审核（由拟定人以外的审核人审核）。</translation>
    </message>
    <message>
      <source>Pass the internal review, signed with your password.</source>
      <translation>内部审核通过，以您的密码签署。</translation>
    </message>
    <message>
      <source>Send the scheme back to its drafter with what must be changed.</source>
      <translation>退回拟定人，并写明修改意见。</translation>
    </message>
    <message>
      <source>Record the issuing authority's confirmation: its document number, date and file.</source>
      <translation>登记任务下达部门的确认：文号、日期和确认文件。</translation>
    </message>
    <message>
      <source>Draft a new version of the confirmed scheme; this one stays in force until the new one is confirmed.</source>
      <translation>以已确认的方案为底稿生成新版本；新版本确认前本版本仍然有效。</translation>
    </message>
    <message>
      <source>Select a scheme first.</source>
      <translation>请先选择一个方案。</translation>
    </message>
    <message>
      <source>Review comment</source>
      <translation>评审意见</translation>
    </message>
    <message>
      <source>important performance item</source>
      <translation>重要性能指标</translation>
    </message>
    <message>
      <source>Test items</source>
      <translation>检验项目</translation>
    </message>
    <message>
      <source>View scheme</source>
      <translation>查看方案</translation>
    </message>
    <message>
      <source>Submit the scheme for %1 for review? It cannot be changed until a reviewer returns it.</source>
      <translation>提交“%1”的监测方案进行评审？提交后在评审人退回之前不能修改。</translation>
    </message>
    <message>
      <source>Submit scheme</source>
      <translation>提交方案</translation>
    </message>
    <message>
      <source>Item count</source>
      <translation>项目数</translation>
    </message>
    <message>
      <source>Candidate standards</source>
      <translation>候选标准</translation>
    </message>
  </context>
  <context>
    <name>TestingPage</name>
    <message>
      <source>Testing and judgement</source>
      <extracomment>the sample shown, the drafts, the item in the editor and what each action may do</extracomment>
      <translation>检验与判定</translation>
    </message>
    <message>
      <source>Sample</source>
      <translation>样品</translation>
    </message>
    <message>
      <source>Sample number or product, Enter to open</source>
      <translation>样品编号或产品名称，回车打开</translation>
    </message>
    <message>
      <source>Type part of a sample number or product name; pick from the list.</source>
      <translation>输入样品编号或产品名称的一部分，从列表中选择。</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>打开</translation>
    </message>
    <message>
      <source>Start testing…</source>
      <translation>开始检验…</translation>
    </message>
    <message>
      <source>Initial monitoring complete…</source>
      <translation>初次监测完成…</translation>
    </message>
    <message>
      <source>Back to testing…</source>
      <translation>退回检验…</translation>
    </message>
    <message>
      <source>Compile report</source>
      <translation>编制报告</translation>
    </message>
    <message>
      <source>Review…</source>
      <translation>审核…</translation>
    </message>
    <message>
      <source>Approve…</source>
      <translation>批准…</translation>
    </message>
    <message>
      <source>Reported to regulator…</source>
      <translation>登记报送…</translation>
    </message>
    <message>
      <source>⚠ Report major hazard…</source>
      <translation>⚠ 上报重大风险隐患…</translation>
    </message>
    <message>
      <source>Item</source>
      <translation>项目</translation>
    </message>
    <message>
      <source>Requirement</source>
      <translation>技术要求</translation>
    </message>
    <message>
      <source>Value</source>
      <translation>检验结果</translation>
    </message>
    <message>
      <source>Unit</source>
      <translation>单位</translation>
    </message>
    <message>
      <source>Judgement</source>
      <translation>判定</translation>
    </message>
    <message>
      <source>Basis</source>
      <translation>判定依据</translation>
    </message>
    <message>
      <source>Method</source>
      <translation>检验方法</translation>
    </message>
    <message>
      <source>Rules</source>
      <translation>适用条款</translation>
    </message>
    <message>
      <source>Report no.</source>
      <translation>报告编号</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Major hazard reported %1: %2</source>
      <translation>重大风险隐患已于 %1 上报：%2</translation>
    </message>
    <message>
      <source>Major hazard flagged, not reported yet: %2</source>
      <translation>已标记重大风险隐患，尚未上报：%2</translation>
    </message>
    <message>
      <source>No basis (expert panel evaluation needed)</source>
      <translation>无判定依据（需专家组评价）</translation>
    </message>
    <message>
      <source>Approved</source>
      <translation>已批准</translation>
    </message>
    <message>
      <source>Replaces</source>
      <translation>替代报告</translation>
    </message>
    <message>
      <source>Compiled by</source>
      <translation>编制</translation>
    </message>
    <message>
      <source>Reviewed by</source>
      <translation>审核</translation>
    </message>
    <message>
      <source>Approved by</source>
      <translation>批准</translation>
    </message>
    <message>
      <source>Returned with</source>
      <translation>退回意见</translation>
    </message>
    <message>
      <source>Report</source>
      <translation>检验报告</translation>
    </message>
    <message>
      <source>When</source>
      <translation>时间</translation>
    </message>
    <message>
      <source>Original</source>
      <translation>原结果</translation>
    </message>
    <message>
      <source>Amended</source>
      <translation>更正后</translation>
    </message>
    <message>
      <source>By</source>
      <translation>更正人</translation>
    </message>
    <message>
      <source>Amendment history</source>
      <translation>更正记录</translation>
    </message>
    <message>
      <source>Selected item</source>
      <translation>当前项目</translation>
    </message>
    <message>
      <source>Why this basis</source>
      <translation>依据说明</translation>
    </message>
    <message>
      <source>The result as reported; Enter saves and moves to the next item.</source>
      <translation>按原始记录填写检验结果；回车保存并转到下一项目。</translation>
    </message>
    <message>
      <source>— choose —</source>
      <translation>— 请选择 —</translation>
    </message>
    <message>
      <source>Pass</source>
      <translation>符合</translation>
    </message>
    <message>
      <source>Fail</source>
      <translation>不符合</translation>
    </message>
    <message>
      <source>Not judged</source>
      <translation>不判定</translation>
    </message>
    <message>
      <source>Why: required for a text requirement</source>
      <translation>判定理由：文字要求的项目必须填写</translation>
    </message>
    <message>
      <source>Why the approved result is amended</source>
      <translation>已批准结果的更正原因</translation>
    </message>
    <message>
      <source>Amendment reason</source>
      <translation>更正原因</translation>
    </message>
    <message>
      <source>Work list</source>
      <translation>工作清单</translation>
    </message>
    <message>
      <source>Back to the samples waiting for work (Esc)</source>
      <translation>返回待处理样品清单（Esc）</translation>
    </message>
    <message>
      <source>Bulk entry…</source>
      <translation>批量录入…</translation>
    </message>
    <message>
      <source>Enter one test item for many samples of a task in a grid</source>
      <translation>在表格中为任务的多个样品录入同一检验项目</translation>
    </message>
    <message>
      <source>Authorisation</source>
      <translation>批准情况</translation>
    </message>
    <message>
      <source>Approve amendment…</source>
      <translation>批准更正…</translation>
    </message>
    <message>
      <source>An authorised signatory other than the amender approves the amendment with their password</source>
      <translation>由更正人以外的授权签字人输入密码批准该更正</translation>
    </message>
    <message>
      <source>Refuse amendment…</source>
      <translation>退回更正…</translation>
    </message>
    <message>
      <source>All candidates…</source>
      <translation>全部候选标准…</translation>
    </message>
    <message>
      <source>Every standard and stated quality considered for this item, whether chosen, replaced or rejected, and why (Articles 16–17)</source>
      <translation>本项目考虑过的每一个标准和明示的质量状况：采用、采用后被替换或未采用，以及理由（第十六、十七条）</translation>
    </message>
    <message>
      <source>Judgement reason</source>
      <translation>判定理由</translation>
    </message>
    <message>
      <source>Save result</source>
      <translation>保存结果</translation>
    </message>
    <message>
      <source>Discard changes</source>
      <translation>放弃修改</translation>
    </message>
    <message>
      <source>Expert panel…</source>
      <translation>专家组评价…</translation>
    </message>
    <message>
      <source>Find sample</source>
      <translation>查找样品</translation>
    </message>
    <message>
      <source>Go to the sample picker</source>
      <translation>转到样品选择框</translation>
    </message>
    <message>
      <source>Back to the samples waiting for work</source>
      <translation>返回待处理样品清单</translation>
    </message>
    <message>
      <source>Next item</source>
      <translation>下一项目</translation>
    </message>
    <message>
      <source>Previous item</source>
      <translation>上一项目</translation>
    </message>
    <message>
      <source>Start testing</source>
      <translation>开始检验</translation>
    </message>
    <message>
      <source>Expert panel</source>
      <translation>专家组评价</translation>
    </message>
    <message>
      <source>Report major hazard</source>
      <translation>上报重大风险隐患</translation>
    </message>
    <message>
      <source>Choose the basis of every item (Articles 16–17) and start testing (Ctrl+T)</source>
      <translation>按第十六、十七条确定各项目的判定依据并开始检验（Ctrl+T）</translation>
    </message>
    <message>
      <source>Record the expert panel evaluation of an item that cannot be tested (Ctrl+E)</source>
      <translation>记录无法检验项目的专家组验证评价（Ctrl+E）</translation>
    </message>
    <message>
      <source>Save the result of this item (Ctrl+S; Enter saves and goes to the next item)</source>
      <translation>保存该项目的结果（Ctrl+S；回车保存并转到下一项目）</translation>
    </message>
    <message>
      <source>No sample matches “%1”.</source>
      <translation>没有与“%1”相符的样品。</translation>
    </message>
    <message>
      <source>Several samples match: pick one from the list.</source>
      <translation>有多个样品相符，请从列表中选择。</translation>
    </message>
    <message>
      <source>Open a sample by its number to enter results.</source>
      <translation>请按样品编号打开样品，录入检验结果。</translation>
    </message>
    <message>
      <source>Task %1</source>
      <translation>任务 %1</translation>
    </message>
    <message>
      <source>Amended: the replacement report is to be compiled</source>
      <translation>结果已更正，待编制替代报告</translation>
    </message>
    <message>
      <source>Parties: %1</source>
      <translation>当事企业：%1</translation>
    </message>
    <message>
      <source>Basis selection warnings:</source>
      <translation>判定依据选择提示：</translation>
    </message>
    <message>
      <source>The five-working-day reporting clock starts when initial monitoring is complete.</source>
      <translation>初次风险监测完成后开始计算 5 个工作日的报送期限。</translation>
    </message>
    <message>
      <source> (provisional)</source>
      <translation>（暂定）</translation>
    </message>
    <message>
      <source>on time</source>
      <translation>按时</translation>
    </message>
    <message>
      <source>late</source>
      <translation>逾期</translation>
    </message>
    <message>
      <source>Completed %1 · deadline %2 · reported to the regulator %3 (%4)</source>
      <translation>%1 完成 · 报送期限 %2 · %3 已报送监管部门（%4）</translation>
    </message>
    <message numerus="yes">
      <source>%n working day(s) late</source>
      <translation>
        <numerusform>已逾期 %n 个工作日</numerusform>
      </translation>
    </message>
    <message>
      <source>due today</source>
      <translation>今天到期</translation>
    </message>
    <message numerus="yes">
      <source>%n working day(s) left</source>
      <translation>
        <numerusform>剩余 %n 个工作日</numerusform>
      </translation>
    </message>
    <message>
      <source>Completed %1 · report to the regulator by %2 · %3</source>
      <translation>%1 完成初次监测 · 须于 %2 前报送监管部门 · %3</translation>
    </message>
    <message>
      <source>No official holiday notice for that year yet: the deadline assumes the statutory holidays.</source>
      <translation>该年度尚无官方放假通知：期限按法定节假日推定（暂定）。</translation>
    </message>
    <message>
      <source>Article 18: report within five working days of completing initial monitoring.</source>
      <translation>第十八条：初次风险监测工作完成后 5 个工作日内报送结果。</translation>
    </message>
    <message>
      <source>Important performance item</source>
      <translation>重要性能指标</translation>
    </message>
    <message>
      <source>No basis: an expert panel evaluates it</source>
      <translation>无判定依据，需专家组评价</translation>
    </message>
    <message>
      <source>Item with a warning</source>
      <translation>有提示的项目</translation>
    </message>
    <message>
      <source>Typed, not saved yet</source>
      <translation>已输入、尚未保存</translation>
    </message>
    <message>
      <source>No report yet</source>
      <translation>尚未编制报告</translation>
    </message>
    <message numerus="yes">
      <source>Amendment history (%n)</source>
      <translation>
        <numerusform>更正记录（%n）</numerusform>
      </translation>
    </message>
    <message>
      <source>No item selected</source>
      <translation>未选择项目</translation>
    </message>
    <message>
      <source> (important performance item)</source>
      <translation>（重要性能指标）</translation>
    </message>
    <message>
      <source>Expert panel: %1
Conclusion: %2</source>
      <translation>专家组：%1
结论：%2</translation>
    </message>
    <message>
      <source>Fewer than three because: %1</source>
      <translation>少于 3 人的理由：%1</translation>
    </message>
    <message>
      <source>judged automatically</source>
      <translation>自动判定</translation>
    </message>
    <message>
      <source>not a number</source>
      <translation>不是数值</translation>
    </message>
    <message>
      <source>unit must be %1</source>
      <translation>单位应为 %1</translation>
    </message>
    <message>
      <source>Amendment of %1 recorded: it takes effect once an authorised signatory other than you approves it.</source>
      <translation>已提出项目“%1”的更正：须由您以外的授权签字人批准后才生效。</translation>
    </message>
    <message>
      <source>Re-select bases</source>
      <translation>重新确定判定依据</translation>
    </message>
    <message>
      <source>The basis and method of every item not yet tested are chosen by Articles 16–17 for the date testing starts.</source>
      <translation>按第十六、十七条，以检验开始日期为准，确定尚未检验的各项目的判定依据和检验方法。</translation>
    </message>
    <message>
      <source>Test date</source>
      <translation>检验日期</translation>
    </message>
    <message>
      <source>Re-select</source>
      <translation>重新确定</translation>
    </message>
    <message>
      <source>Initial monitoring complete</source>
      <translation>初次监测完成</translation>
    </message>
    <message>
      <source>Every item is judged. The date initial monitoring was completed starts the clock: the results must reach the regulator within five working days (Article 18).</source>
      <translation>各项目均已判定。初次风险监测完成日期起算报送期限：须在 5 个工作日内将结果报送监管部门（第十八条）。</translation>
    </message>
    <message>
      <source>Completed on</source>
      <translation>完成日期</translation>
    </message>
    <message>
      <source>Confirm completion</source>
      <translation>确认完成</translation>
    </message>
    <message>
      <source>Report to the regulator by %1</source>
      <translation>须于 %1 前报送监管部门</translation>
    </message>
    <message>
      <source>Back to testing</source>
      <translation>退回检验</translation>
    </message>
    <message>
      <source>The results go back to testing; the completion date is cleared.</source>
      <translation>结果退回检验，完成日期将清除。</translation>
    </message>
    <message>
      <source>Reason for going back</source>
      <translation>退回原因</translation>
    </message>
    <message>
      <source>Reported to the regulator</source>
      <translation>报送监管部门</translation>
    </message>
    <message>
      <source>The date the results were reported to the organising market regulator (Article 18); it stops the five-working-day clock.</source>
      <translation>风险监测结果报送组织实施的市场监管部门的日期（第十八条），登记后停止计时。</translation>
    </message>
    <message>
      <source>Reported on</source>
      <translation>报送日期</translation>
    </message>
    <message>
      <source>Register</source>
      <translation>登记</translation>
    </message>
    <message>
      <source>Issue the notices with it (Article 18 ¶2)</source>
      <translation>同时出具告知书（第十八条第二款）</translation>
    </message>
    <message>
      <source>The sample found problems: the notices to the sampled party, the nominal producer and the platform operator are issued with the approved report and uploaded with it.</source>
      <translation>该样品发现问题：致被抽样单位、标称生产企业和平台经营者的告知书随批准的报告一并出具，并随报告一同上传。</translation>
    </message>
    <message>
      <source>Awaiting a signatory's approval</source>
      <translation>待授权签字人批准</translation>
    </message>
    <message>
      <source>Refused by %1</source>
      <translation>已退回（%1）</translation>
    </message>
    <message>
      <source>Approved by %1</source>
      <translation>已批准（%1）</translation>
    </message>
    <message>
      <source>Amendment of %1 asked for by %2: %3 → %4. Reason: %5</source>
      <translation>%2 提出更正项目“%1”：%3 → %4。更正原因：%5</translation>
    </message>
    <message>
      <source>Approved, the result changes and the issued report is to be replaced. Type your password to sign.</source>
      <translation>批准后结果随之更正，已签发的报告须由替代报告替代。请输入您的密码签署。</translation>
    </message>
    <message>
      <source>Authorise amendment</source>
      <translation>批准结果更正</translation>
    </message>
    <message>
      <source>Approve the amendment</source>
      <translation>批准该更正</translation>
    </message>
    <message>
      <source>Refuse the amendment</source>
      <translation>退回该更正</translation>
    </message>
    <message>
      <source>Write why the amendment is refused.</source>
      <translation>退回更正时请写明理由。</translation>
    </message>
    <message>
      <source>Reload to see the other change; what you typed is kept.</source>
      <translation>重新载入可查看他人的修改；您录入的内容会保留。</translation>
    </message>
    <message>
      <source>Re-select bases…</source>
      <translation>重新确定依据…</translation>
    </message>
    <message>
      <source>Confirm that initial monitoring is complete: starts the five-working-day clock</source>
      <translation>确认初次风险监测完成：开始计算 5 个工作日报送期限</translation>
    </message>
    <message>
      <source>Take a completed sample back to testing to correct a result</source>
      <translation>将已完成的样品退回检验以修改结果</translation>
    </message>
    <message>
      <source>Compile the test report (编制)</source>
      <translation>编制检验报告</translation>
    </message>
    <message>
      <source>Review the compiled report, or return it with a comment (审核)</source>
      <translation>审核已编制的报告，或写明意见退回</translation>
    </message>
    <message>
      <source>Approve the reviewed report (批准)</source>
      <translation>批准已审核的报告</translation>
    </message>
    <message>
      <source>Register the date the results were reported to the regulator</source>
      <translation>登记结果报送监管部门的日期</translation>
    </message>
    <message>
      <source>Flag and report a major quality and safety hazard at once (Ctrl+Shift+H)</source>
      <translation>标记并立即上报重大质量安全风险隐患（Ctrl+Shift+H）</translation>
    </message>
    <message>
      <source>Amend result</source>
      <translation>更正结果</translation>
    </message>
    <message>
      <source>Edit expert panel…</source>
      <translation>修改专家组评价…</translation>
    </message>
    <message>
      <source>Registered</source>
      <translation>已登记</translation>
    </message>
    <message>
      <source>Received</source>
      <translation>已收样</translation>
    </message>
    <message>
      <source>Testing</source>
      <translation>检验中</translation>
    </message>
    <message>
      <source>Report compiled</source>
      <translation>报告已编制</translation>
    </message>
    <message>
      <source>Report reviewed</source>
      <translation>报告已审核</translation>
    </message>
    <message>
      <source>Report approved</source>
      <translation>报告已批准</translation>
    </message>
    <message>
      <source>Reported</source>
      <translation>已报送</translation>
    </message>
    <message>
      <source>Returned to the compiler</source>
      <translation>已退回编制人</translation>
    </message>
    <message>
      <source>Compiled, awaiting review</source>
      <translation>已编制，待审核</translation>
    </message>
    <message>
      <source>Reviewed, awaiting approval</source>
      <translation>已审核，待批准</translation>
    </message>
    <message>
      <source>Superseded</source>
      <translation>已被替代</translation>
    </message>
    <message>
      <source>Producer</source>
      <translation>生产企业</translation>
    </message>
    <message>
      <source>Physical seller</source>
      <translation>实体销售者</translation>
    </message>
    <message>
      <source>E-commerce platform</source>
      <translation>电商平台</translation>
    </message>
  </context>
  <context>
    <name>UnlockKeyDialog</name>
    <message>
      <source>Unlock the signing key</source>
      <translation>解锁签章密钥</translation>
    </message>
    <message>
      <source>Unlock</source>
      <translation>解锁</translation>
    </message>
    <message>
      <source>Documents the lab issues are signed with its signing key. Type the key's password to unlock it on this computer until Riskmon is closed.</source>
      <translation>本机构签发的文件用签章密钥进行数字签名。请输入密钥密码，在本机解锁，直到关闭 Riskmon 为止。</translation>
    </message>
    <message>
      <source>Signing key</source>
      <translation>签章密钥</translation>
    </message>
    <message>
      <source>Key password</source>
      <translation>密钥密码</translation>
    </message>
    <message>
      <source>Type the password of the signing key.</source>
      <translation>请输入签章密钥的密码。</translation>
    </message>
    <message>
      <source>Continue</source>
      <translation>继续</translation>
    </message>
  </context>
  <context>
    <name>UserDialog</name>
    <message>
      <source>Edit user</source>
      <translation>修改用户</translation>
    </message>
    <message>
      <source>Add user</source>
      <translation>添加用户</translation>
    </message>
    <message>
      <source>Account active</source>
      <translation>账号启用</translation>
    </message>
    <message>
      <source>User name</source>
      <translation>用户名</translation>
    </message>
    <message>
      <source>Full name</source>
      <translation>姓名</translation>
    </message>
    <message>
      <source>Roles</source>
      <translation>角色</translation>
    </message>
    <message>
      <source>Password (at least 8 characters)</source>
      <translation>密码（至少 8 位）</translation>
    </message>
    <message>
      <source>Password again</source>
      <translation>确认密码</translation>
    </message>
    <message>
      <source>Save</source>
      <translation>保存</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>The two passwords differ.</source>
      <translation>两次输入的密码不一致。</translation>
    </message>
  </context>
  <context>
    <name>VerifyDialog</name>
    <message>
      <source>Verify a report</source>
      <translation>核验报告</translation>
    </message>
    <message>
      <source>File: %1</source>
      <translation>文件：%1</translation>
    </message>
    <message>
      <source>Document</source>
      <translation>文件类别</translation>
    </message>
    <message>
      <source>Number</source>
      <translation>编号</translation>
    </message>
    <message>
      <source>Date</source>
      <translation>日期</translation>
    </message>
    <message>
      <source>Do not rely on this file: ask the lab for the document as issued, or compare it with the lab's own copy.</source>
      <translation>请勿依据此文件：请向本机构索取签发的原件，或与本机构留存的文件核对。</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>关闭</translation>
    </message>
  </context>
  <context>
    <name>Widgets</name>
    <message>
      <source>Cannot do that</source>
      <translation>无法执行</translation>
    </message>
    <message>
      <source>Changed by someone else</source>
      <translation>已被他人修改</translation>
    </message>
    <message>
      <source>Close this form and reload? What you typed here will be lost.</source>
      <translation>关闭此窗口并重新加载吗？此处填写的内容将丢失。</translation>
    </message>
  </context>
  <context>
    <name>WorkListView</name>
    <message>
      <source>My samples</source>
      <translation>我的样品</translation>
    </message>
    <message>
      <source>All samples</source>
      <translation>全部样品</translation>
    </message>
    <message>
      <source>My samples: the ones you registered, received, tested or completed</source>
      <translation>我的样品：由您登记、收样、检验或确认完成的样品</translation>
    </message>
    <message>
      <source>All tasks</source>
      <translation>全部任务</translation>
    </message>
    <message>
      <source>All waiting statuses</source>
      <translation>全部待处理状态</translation>
    </message>
    <message>
      <source>Any deadline</source>
      <translation>全部期限</translation>
    </message>
    <message>
      <source>Overdue (red)</source>
      <translation>已超期（红）</translation>
    </message>
    <message>
      <source>Due today or next working day (orange)</source>
      <translation>今日或下一工作日到期（橙）</translation>
    </message>
    <message>
      <source>On time (green)</source>
      <translation>期限内（绿）</translation>
    </message>
    <message>
      <source>Not yet complete</source>
      <translation>尚未完成检验</translation>
    </message>
    <message>
      <source>Show</source>
      <translation>显示</translation>
    </message>
    <message>
      <source>Double-click a sample (or press Enter) to open it; scan a label into the sample box to open that sample.</source>
      <translation>双击样品（或按回车）打开；在样品框中扫描标签即可打开该样品。</translation>
    </message>
    <message>
      <source>Loading…</source>
      <translation>正在加载…</translation>
    </message>
    <message>
      <source>None of your samples is waiting; choose “All samples” to see the others.</source>
      <translation>您没有待处理的样品；选择“全部样品”可查看其他人的样品。</translation>
    </message>
    <message>
      <source>%1 samples waiting</source>
      <translation>待处理样品 %1 个</translation>
    </message>
  </context>
  <context>
    <name>WorkTableModel</name>
    <message>
      <source>Sample no.</source>
      <extracomment>the dashboard's traffic light the order each column sorts by (the clock's columns all sort by the deadline)</extracomment>
      <translation>样品编号</translation>
    </message>
    <message>
      <source>Task</source>
      <translation>任务</translation>
    </message>
    <message>
      <source>Product</source>
      <translation>产品</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <source>Received on</source>
      <translation>收样日期</translation>
    </message>
    <message>
      <source>Completed on</source>
      <translation>完成日期</translation>
    </message>
    <message>
      <source>Report by</source>
      <translation>报送期限</translation>
    </message>
    <message>
      <source>Working days left</source>
      <translation>剩余工作日</translation>
    </message>
    <message>
      <source>Received: testing not started</source>
      <translation>已收样，待检验</translation>
    </message>
    <message>
      <source>In testing</source>
      <translation>检验中</translation>
    </message>
    <message>
      <source>Completed: report to compile</source>
      <translation>已完成，待编制报告</translation>
    </message>
    <message>
      <source>Report compiled: to review</source>
      <translation>报告已编制，待审核</translation>
    </message>
    <message>
      <source>Report reviewed: to approve</source>
      <translation>报告已审核，待批准</translation>
    </message>
    <message>
      <source>Report approved: to report</source>
      <translation>报告已批准，待报送</translation>
    </message>
    <message>
      <source>Overdue</source>
      <translation>已超期</translation>
    </message>
    <message>
      <source>Due today or next working day</source>
      <translation>今日或下一工作日到期</translation>
    </message>
    <message>
      <source>On time</source>
      <translation>期限内</translation>
    </message>
    <message>
      <source>Reported</source>
      <translation>已报送</translation>
    </message>
    <message>
      <source>Not yet complete</source>
      <translation>尚未完成检验</translation>
    </message>
    <message>
      <source> (provisional)</source>
      <translation>（暂定）</translation>
    </message>
    <message>
      <source>%1 late</source>
      <translation>超期 %1 个工作日</translation>
    </message>
    <message>
      <source>Major hazard</source>
      <translation>重大风险隐患</translation>
    </message>
    <message>
      <source>Problems were found in this sample.</source>
      <translation>该样品发现问题。</translation>
    </message>
    <message>
      <source>Sample number in red: a major hazard was flagged</source>
      <translation>样品编号为红色：已标记重大风险隐患</translation>
    </message>
  </context>
</TS>