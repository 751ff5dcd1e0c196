// graphql-js, the one instance mercurius uses. graphql 16 ships a CommonJS build (index.js) and an ES module build
// (index.mjs) that are separate module instances; mercurius require()s the CommonJS one, and graphql-js refuses
// types, and instanceof fails for errors, from the other ("Cannot use GraphQLObjectType from another module or
// realm"). A bare `import "graphql"` gets index.js under Node but index.mjs under vitest (vite prefers "module"), so
// the gateway names the CommonJS entry explicitly, here, for both.
export {
  BREAK,
  buildSchema,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  isAbstractType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  Lexer,
  NoSchemaIntrospectionCustomRule,
  OperationTypeNode,
  parse,
  print,
  Source,
  specifiedRules,
  TokenKind,
  validate,
  visit,
} from "graphql/index.js";
export type {
  ASTVisitor,
  ConstDirectiveNode,
  DocumentNode,
  ExecutionResult,
  FieldDefinitionNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLFormattedError,
  GraphQLNamedType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  StringValueNode,
  ValidationContext,
  ValidationRule,
} from "graphql/index.js";
