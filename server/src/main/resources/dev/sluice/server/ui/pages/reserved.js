// Deployments, work queues and agents: their place in the navigation is kept for the deployments
// issue; until then the page says how runs start today.

import {h, replace} from '../lib/dom.js';
import {pageHead} from '../parts/common.js';

const WHAT = {
  'deployments': {title: 'Deployments', text: 'A deployment names a flow, its parameters and a'
    + ' schedule, so the server can start runs of it.'},
  'work-queues': {title: 'Work queues', text: 'Work queues hold the runs that deployments'
    + ' schedule until an agent takes them.'},
  'agents': {title: 'Agents', text: 'Agents are the processes that take scheduled runs from work'
    + ' queues and run them.'},
};

export default async function reserved(ctx) {
  const w = WHAT[ctx.params.what];
  ctx.title(w.title);
  replace(ctx.main, pageHead({title: w.title}),
    h('div', {class: 'empty'},
      h('h2', {}, w.title + ' come with deployments'),
      h('p', {}, w.text + ' They arrive with the deployments work; this page is their place.'),
      h('p', {}, 'Today a run starts from code (', h('code', {}, 'sluice.run(flow, params)'),
        ') or the command line (', h('code', {}, './dev sluice'), '), and shows up under ',
        h('a', {href: '/runs'}, 'Flow runs'), ' as it runs.')));
}
