import { verifySystem } from '../projections/audit/verify.ts';
import { usageError } from './cli-error.ts';
import type { CommandHandler } from './command.ts';
import { optionText } from './command-args.ts';
import { formatCount, renderTable } from './text-table.ts';

const settleMsOf = (raw: string | undefined): number => {
  if (raw === undefined) return 10_000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 3_600) {
    throw usageError(`--settle must be a number of seconds from 0 to 3600, got "${raw}"`);
  }
  return seconds * 1_000;
};

/** `ops verify`: the consistency audit; exit 1 when it finds any difference (docs/operations.md). */
export const verifyCommand: CommandHandler = async (context) => {
  const settleMs = settleMsOf(optionText(context.args, 'settle'));
  const { ops } = context;
  const report = await verifySystem({
    store: ops.store(),
    db: await ops.migratedPool(),
    settleMs,
    signal: context.signal,
  });
  if (context.json) {
    context.print(JSON.stringify(report));
  } else {
    const { checked } = report;
    context.print(
      `read ${formatCount(report.events)} events: ${formatCount(checked.orders)} orders, ${formatCount(checked.skus)} SKUs, ` +
        `${formatCount(checked.customers)} points accounts, ${formatCount(checked.coupons)} coupons, ` +
        `${formatCount(checked.readModelRows)} read-model rows`,
    );
    if (report.ok) {
      context.print('no difference');
    } else {
      context.print(
        renderTable(
          [{ header: 'check' }, { header: 'subject', max: 60 }, { header: 'difference' }],
          report.differences.map((difference) => [difference.check, difference.subject, difference.message]),
        ),
      );
      context.print(
        `${report.differences.length} difference${report.differences.length === 1 ? '' : 's'} (still there after ${settleMs / 1000} s)`,
      );
    }
  }
  return report.ok ? 0 : 1;
};
