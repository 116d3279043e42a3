#!/usr/bin/env node
// Writes libs/platform/src/openapi/route-schemas.generated.ts: for every route of every controller,
// the JSON Schema of what it answers (its declared return type, awaited, or the type argument of
// @ApiAnswer<T>()), of its body (the type argument of @ApiRequest<T>()), and the roles it admits
// (@Roles, @Public). The types are read by the TypeScript compiler, so the document follows the code.
// `--check` exits 1 when the committed file is not what the sources give.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const target = join(root, 'libs/platform/src/openapi/route-schemas.generated.ts');
const HTTP = { Get: 'get', Post: 'post', Put: 'put', Patch: 'patch', Delete: 'delete' };

const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
const files = config.fileNames.filter((f) => /\/(services|libs)\/.*\.controller\.ts$/.test(f));
const program = ts.createProgram(files, config.options);
const checker = program.getTypeChecker();

const decoratorsOf = (node) => (ts.canHaveDecorators(node) ? (ts.getDecorators(node) ?? []) : []);
const callOf = (decorator) => (ts.isCallExpression(decorator.expression) ? decorator.expression : undefined);
const nameOf = (call) => (ts.isIdentifier(call.expression) ? call.expression.text : undefined);
const literal = (node) => (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : node && ts.isNumericLiteral(node) ? Number(node.text) : undefined);
const decorator = (node, name) => decoratorsOf(node).map(callOf).filter((c) => c && nameOf(c) === name);

/** JSON Schema of a TypeScript type, as JSON carries it (Dates as instants, undefined left out). */
function schemaOf(type, seen = new Set(), depth = 0) {
  if (depth > 12) return {};
  const flags = type.flags;
  if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {};
  if (flags & ts.TypeFlags.Null) return { type: 'null' };
  if (flags & ts.TypeFlags.StringLiteral) return { type: 'string', enum: [type.value] };
  if (flags & ts.TypeFlags.NumberLiteral) return { type: 'number', enum: [type.value] };
  if (flags & ts.TypeFlags.BooleanLiteral) return { type: 'boolean', enum: [checker.typeToString(type) === 'true'] };
  if (flags & ts.TypeFlags.StringLike) return { type: 'string' };
  if (flags & ts.TypeFlags.NumberLike) return { type: 'number' };
  if (flags & ts.TypeFlags.BigIntLike) return { type: 'string' };
  if (flags & ts.TypeFlags.BooleanLike) return { type: 'boolean' };
  if (flags & (ts.TypeFlags.Void | ts.TypeFlags.Undefined | ts.TypeFlags.Never)) return undefined;
  if (type.isUnion()) {
    const parts = type.types.map((t) => schemaOf(t, seen, depth + 1)).filter((s) => s !== undefined);
    const literals = parts.filter((p) => p.enum && Object.keys(p).length === 2);
    if (literals.length === parts.length && new Set(parts.map((p) => p.type)).size === 1) return { type: parts[0].type, enum: parts.flatMap((p) => p.enum) };
    return parts.length === 1 ? parts[0] : { anyOf: parts };
  }
  const symbol = type.getSymbol();
  if (symbol?.name === 'Date') return { type: 'string', format: 'date-time' };
  if (checker.isArrayType(type) || checker.isTupleType(type)) {
    const [element] = checker.getTypeArguments(type);
    return { type: 'array', items: element ? (schemaOf(element, seen, depth + 1) ?? {}) : {} };
  }
  const named = componentName(type);
  if (named !== undefined) {
    if (!components.has(named)) {
      components.set(named, {});
      components.set(named, objectSchema(type, seen, depth));
    }
    return { $ref: `#/components/schemas/${named}` };
  }
  if (seen.has(type)) return { type: 'object' };
  return objectSchema(type, seen, depth);
}

const components = new Map();
const componentNames = new Map();

/** Named types of the project's own (interfaces, classes, aliases) become shared components. */
function componentName(type) {
  const symbol = type.aliasSymbol ?? type.getSymbol();
  if (!symbol || symbol.name.startsWith('__')) return undefined;
  const declaration = symbol.declarations?.[0];
  const file = declaration?.getSourceFile().fileName ?? '';
  if (!file.startsWith(root) || file.includes('/node_modules/')) return undefined;
  const text = checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
  if (componentNames.has(text)) return componentNames.get(text);
  let name = text.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '');
  while ([...componentNames.values()].includes(name)) name += '_';
  componentNames.set(text, name);
  return name;
}

function objectSchema(type, seen, depth) {
  const inner = new Set(seen).add(type);
  const schema = { type: 'object', properties: {}, required: [] };
  for (const property of checker.getPropertiesOfType(type)) {
    const declaration = property.valueDeclaration ?? property.declarations?.[0];
    if (!declaration) continue;
    const propertyType = checker.getTypeOfSymbolAtLocation(property, declaration);
    if (propertyType.getCallSignatures().length > 0) continue;
    const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
    // NonNullable<unknown> is `{}`, an object type: an optional unknown stays unknown.
    const loose = propertyType.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown);
    const value = schemaOf(optional && !loose ? checker.getNonNullableType(propertyType) : propertyType, inner, depth + 1);
    if (value === undefined) continue;
    const doc = ts.displayPartsToString(property.getDocumentationComment(checker)).trim();
    schema.properties[property.name] = doc && !value.$ref ? { ...value, description: doc } : value;
    if (!optional && !(propertyType.isUnion() && propertyType.types.some((t) => t.flags & ts.TypeFlags.Undefined))) schema.required.push(property.name);
  }
  const index = checker.getIndexInfosOfType(type).find((info) => info.keyType.flags & ts.TypeFlags.String);
  if (index) schema.additionalProperties = schemaOf(index.type, inner, depth + 1) ?? {};
  if (schema.required.length === 0) delete schema.required;
  return schema;
}

const routes = {};
for (const file of program.getSourceFiles().filter((f) => files.includes(f.fileName))) {
  ts.forEachChild(file, function visit(node) {
    if (!ts.isClassDeclaration(node)) return;
    const [controller] = decorator(node, 'Controller');
    if (!controller) return;
    const prefix = literal(controller.arguments[0]) ?? '';
    const classRoles = decorator(node, 'Roles')[0]?.arguments.map(literal);
    const classPublic = decorator(node, 'Public').length > 0;
    for (const member of node.members.filter(ts.isMethodDeclaration)) {
      const verbCall = Object.keys(HTTP).map((v) => decorator(member, v)[0]).find(Boolean);
      if (!verbCall) continue;
      const method = HTTP[nameOf(verbCall)];
      const path = ('/' + [prefix, literal(verbCall.arguments[0]) ?? ''].filter(Boolean).join('/')).replace(/\/+$/, '').replace(/:([A-Za-z0-9_]+)/g, '{$1}') || '/';
      const roles = decorator(member, 'Public').length > 0 || classPublic ? 'public' : (decorator(member, 'Roles')[0]?.arguments.map(literal) ?? classRoles ?? []);
      const responses = {};
      const answers = decorator(member, 'ApiAnswer');
      if (answers.length > 0) {
        for (const answer of answers) {
          const statuses = [answer.arguments[0]].flatMap((a) => (ts.isArrayLiteralExpression(a) ? a.elements.map(literal) : [literal(a)]));
          const options = answer.arguments[1];
          const contentType = options && ts.isObjectLiteralExpression(options) ? options.properties.filter((p) => p.name?.text === 'contentType').map((p) => literal(p.initializer))[0] : undefined;
          const schema = answer.typeArguments?.[0] ? schemaOf(checker.getTypeFromTypeNode(answer.typeArguments[0])) : undefined;
          for (const status of statuses) responses[status] = schema === undefined ? {} : { contentType: contentType ?? 'application/json', schema };
        }
      } else {
        const signature = checker.getSignatureFromDeclaration(member);
        const returned = checker.getAwaitedType(checker.getReturnTypeOfSignature(signature));
        const code = literal(decorator(member, 'HttpCode')[0]?.arguments[0]) ?? (method === 'post' ? 201 : 200);
        const schema = schemaOf(returned);
        responses[code] = schema === undefined ? {} : { contentType: 'application/json', schema };
      }
      const request = decorator(member, 'ApiRequest')[0]?.typeArguments?.[0];
      // Query parameters named one by one: optional when the method's parameter is (`?` or a default).
      const query = Object.fromEntries(
        member.parameters.flatMap((p) => {
          const name = literal(decorator(p, 'Query')[0]?.arguments[0]);
          return typeof name === 'string' ? [[name, { required: !p.questionToken && !p.initializer }]] : [];
        }),
      );
      routes[`${method.toUpperCase()} ${path}`] = {
        roles,
        responses,
        ...(request ? { requestBody: schemaOf(checker.getTypeFromTypeNode(request)) } : {}),
        ...(Object.keys(query).length > 0 ? { query } : {}),
        source: relative(root, file.fileName),
      };
    }
  });
}

const sorted = {
  components: Object.fromEntries([...components.keys()].sort().map((k) => [k, components.get(k)])),
  routes: Object.fromEntries(Object.keys(routes).sort().map((k) => [k, routes[k]])),
};
const text = `// Generated by infra/scripts/openapi-schemas.mjs from the controllers' types: do not edit (npm run openapi:schemas).
import type { RouteSchemas } from './route-schemas';

export const ROUTE_SCHEMAS: RouteSchemas = {
  components: {
${entries(sorted.components)}
  },
  routes: {
${entries(sorted.routes)}
  },
};
`;
/** One line per entry: the file stays readable in a diff. */
function entries(object) {
  return Object.entries(object).map(([key, value]) => `    ${JSON.stringify(key)}: ${JSON.stringify(value)},`).join('\n');
}

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // No file yet: it is out of date.
  }
  if (current !== text) {
    process.stderr.write(`${relative(root, target)} is out of date with the controllers: run npm run openapi:schemas\n`);
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
  process.stdout.write(`${relative(root, target)}: ${Object.keys(sorted.routes).length} routes, ${components.size} named types\n`);
}
