// Renders /openapi.json: one collapsible block per operation with its parameters, body and answers.
const element = (tag, attributes = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
};

const json = (value) => element('pre', {}, JSON.stringify(value, null, 2));

const resolve = (document, schema) => {
  if (schema && typeof schema.$ref === 'string') {
    return schema.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((node, key) => node?.[key], document);
  }
  return schema;
};

const parametersTable = (parameters) => {
  const table = element(
    'table',
    {},
    element('tr', {}, ...['name', 'in', 'required', 'schema'].map((h) => element('th', {}, h))),
  );
  for (const parameter of parameters) {
    table.append(
      element(
        'tr',
        {},
        element('td', { class: 'path' }, parameter.name),
        element('td', {}, parameter.in),
        element('td', {}, parameter.required ? 'yes' : 'no'),
        element('td', {}, json(parameter.schema)),
      ),
    );
  }
  return table;
};

const operationBlock = (document, path, method, operation) => {
  const body = element('div', { class: 'body' });
  if (operation.description) body.append(element('p', {}, operation.description));
  if (operation.parameters?.length) body.append(element('h4', {}, 'Parameters'), parametersTable(operation.parameters));
  const requestSchema = operation.requestBody?.content?.['application/json']?.schema;
  if (requestSchema) body.append(element('h4', {}, 'Request body (application/json)'), json(requestSchema));
  body.append(element('h4', {}, 'Answers'));
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    body.append(element('p', {}, element('span', { class: 'status' }, status), ` ${response.description}`));
    for (const [type, content] of Object.entries(response.content ?? {})) {
      const schema = resolve(document, content.schema);
      if (schema) body.append(element('div', {}, element('small', {}, type)), json(schema));
    }
  }
  const summary = element(
    'summary',
    {},
    element('span', { class: `method ${method}` }, method),
    element('span', { class: 'path' }, path),
    element('span', { class: 'summary' }, operation.summary ?? ''),
  );
  const block = element(
    'details',
    { class: 'operation', 'data-search': `${method} ${path} ${operation.summary ?? ''}`.toLowerCase() },
    summary,
    body,
  );
  return block;
};

const render = (document) => {
  window.document.title = document.info.title;
  window.document.getElementById('title').textContent = document.info.title;
  window.document.getElementById('description').textContent = document.info.description ?? '';
  const list = window.document.getElementById('operations');
  list.replaceChildren();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods))
      list.append(operationBlock(document, path, method, operation));
  }
  window.document.getElementById('filter').addEventListener('input', (event) => {
    const words = event.target.value.toLowerCase().trim();
    for (const block of list.children) block.hidden = words !== '' && !block.dataset.search.includes(words);
  });
};

fetch('/openapi.json')
  .then((answer) => answer.json())
  .then(render)
  .catch((error) => {
    window.document.getElementById('operations').textContent = `Could not load /openapi.json: ${error.message}`;
  });
