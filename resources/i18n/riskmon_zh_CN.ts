<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
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
      <translation>Riskmon 风险监测工作站</translation>
    </message>
  </context>
  <context>
    <name>DashboardPage</name>
    <message>
      <source>Dashboard</source>
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
      <source>Problems awaiting notification</source>
      <translation>问题待告知</translation>
    </message>
    <message>
      <source>Major hazards awaiting report</source>
      <translation>重大隐患待上报</translation>
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
  </context>
  <context>
    <name>Ops</name>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
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
    <name>PlaceholderPage</name>
    <message>
      <source>This part of the workflow is not available in this version yet.</source>
      <translation>本版本尚未提供此部分功能。</translation>
    </message>
  </context>
  <context>
    <name>Widgets</name>
    <message>
      <source>Cannot do that</source>
      <translation>无法执行</translation>
    </message>
  </context>
</TS>