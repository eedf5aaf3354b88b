import { Aspects } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MatchcastStack } from '../../lib/matchcast-stack';
import { testApp } from './support';

it('dump', () => {
  const app = testApp();
  const stack = new MatchcastStack(app, 'Matchcast');
  Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
  const a = Annotations.fromStack(stack);
  const e = a.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
  const w = a.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'));
  const fmt = (x: any) => `${x.id} :: ${String(x.entry.data).split('\n')[0].slice(0, 200)}`;
  require('fs').writeFileSync('/tmp/nagx/out.txt', [...e.map(fmt), '--- warnings', ...w.map(fmt)].join('\n'));
});
