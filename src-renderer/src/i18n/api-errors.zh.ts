import type { Thing } from '@contract';
import type { ApiErrorSentences } from './api-errors';

// 主进程发来的错误，按界面语言表述（主进程自己的英文只用于命令行和日志）。

const things: Record<Thing, string> = {
  roleCard: '角色卡',
  run: '模拟批次',
  session: '会谈',
  dialogue: '对话',
  job: '后台任务',
  endpoint: '模型接口',
};

const apiErrorsZh: ApiErrorSentences = {
  notFound: ({ thing, id }) => `${things[thing]} ${id} 已不存在，可能已被删除。请刷新后重试。`,
  revisionNotFound: ({ revision, card }) => `角色卡 ${card} 的第 ${revision} 个历史版本已不存在。请刷新历史记录。`,
  cardEditedElsewhere: ({ id, at }) => `角色卡 ${id} 在你打开之后已在别处保存（${at}）。请重新载入，再做一次修改。`,
  endpointNameTaken: ({ name }) => `已有名为“${name}”的模型接口，请换一个名称。`,
  jobRunningElsewhere: ({ id }) => `后台任务 ${id} 正在另一个 SimPsy Studio 进程（运行 simpsy 的终端）中运行，请在那里暂停。`,
  jobCancelled: ({ id }) => `后台任务 ${id} 已取消。`,
  runRunning: ({ id }) => `模拟批次 ${id} 正在运行，请先暂停或取消，再删除。`,
  runRunningElsewhere: ({ id }) => `模拟批次 ${id} 已在另一个进程（运行 simpsy 的终端）中运行，请在那里暂停，或等待其结束。`,
  runEnded: ({ id, status }) => `模拟批次 ${id} 已${status === 'done' ? '完成' : '取消'}，没有可继续的内容。`,
  runIsImported: ({ id }) => `模拟批次 ${id} 是导入的数据集，不能运行。`,
  dialoguesInRunningRun: () => '其中一些对话属于正在运行的模拟批次，请先暂停或取消该批次。',
  exportEmpty: () => '没有可导出的内容：当前选择为空。',
  exportFolderMissing: ({ folder }) => `文件夹 ${folder} 不存在，请另选位置。`,
  cannotWrite: ({ path, why }) => `无法写入 ${path}（${why}）。请另选位置。`,
  importNothingAt: ({ path }) => `${path} 处没有内容：请选择 dialogue/ 文件夹或 .json/.jsonl 文件。`,
  resourceMissing: ({ file }) => `SimPsy Studio 自带的文件缺失（${file}）。请重新安装应用。`,
  llmRefused: ({ host }) => `${host} 拒绝连接：服务器是否已启动，端口是否正确？`,
  llmBadPort: ({ port }) => `端口 ${port} 被 HTTP 客户端禁用，请让服务器改用其他端口（如 8000）。`,
  llmDns: ({ host }) => `找不到主机“${host}”：请检查接口地址的拼写或网络连接。`,
  llmNetwork: ({ host, code }) => `与 ${host} 的连接失败${code ? `（${code}）` : ''}：服务器关闭了连接或网络中断。请重试。`,
  llmCutOff: ({ host }) => `与 ${host} 的连接在回答中途断开。请重试。`,
  llmTimeout: ({ host, seconds }) => `${host} 在 ${seconds} 秒内没有回应：服务器可能过载。请重试，或调大该接口的超时时间。`,
  llmUnauthorized: () => '服务器拒绝了 API 密钥（401）：请检查密钥，或保存密钥的环境变量。',
  llmForbidden: ({ said }) => `该密钥无权使用此模型或接口（403）：${said}`,
  llmModelNotFound: ({ model }) => `服务器上没有模型“${model}”（404）：请检查模型名称。`,
  llmBadUrl: ({ url }) => `${url} 处没有 OpenAI 兼容的服务（404）：接口地址通常以 /v1 结尾。`,
  llmRateLimited: ({ said, seconds }) => `服务器正在限流（429）${seconds !== null ? `，要求等待 ${seconds} 秒` : ''}：${said}`,
  llmServerError: ({ status, said }) => `服务器出错（${status}）：${said}`,
  llmRefusedRequest: ({ status, said }) => `服务器拒绝了请求（${status}）：${said}`,
  llmNotCompatible: ({ host, detail }) => `${host} 的回应不是 OpenAI 兼容格式（${detail}）。`,
  llmNoMessage: () => '服务器有回应，但其中没有对话补全消息。',
  apiKeyEnvUnset: ({ endpoint, variable }) => `模型接口“${endpoint}”从环境变量 ${variable} 读取 API 密钥，但该变量未设置。请设置后重启 SimPsy Studio。`,
  apiKeyOnlyInApp: ({ endpoint }) => `模型接口“${endpoint}”的密钥由应用加密保存，此处无法解密。`,
  dbCorrupt: ({ file }) => `数据库 ${file} 已损坏。请退出并恢复备份，或用 \`simpsy db check\` 检查。`,
  dbNotDatabase: ({ file }) => `${file} 不是 SimPsy Studio 的数据库。请用其他数据库启动应用。`,
  dbReadOnlyFile: ({ file }) => `数据库 ${file} 是只读的，无法保存任何内容。请将其改为可写后重试。`,
  dbReadOnlyFolder: ({ file, folder }) => `文件夹 ${folder} 是只读的，数据库 ${file} 无法在其中写入。请将该文件夹改为可写后重试。`,
  dbIsFolder: ({ file }) => `${file} 是文件夹，不是数据库文件。`,
  dbFull: ({ file }) => `${file} 所在的磁盘已满：请腾出空间后重试。失败的这次操作没有保存，之前的内容都完好。`,
  dbBusy: ({ seconds }) => `数据库正忙：另一个 SimPsy Studio 进程（运行 simpsy 的终端）锁定它超过 ${seconds} 秒。请等其完成后重试。`,
  dbCannotOpen: ({ file, why }) => `无法打开数据库 ${file}（${why}）。`,
  dbIo: ({ file, code }) => `读写 ${file} 失败（${code}）：磁盘可能出现故障、已满或已被拔出。`,
  internal: () => 'SimPsy Studio 内部出错，详情已写入日志。',
};

export default apiErrorsZh;
